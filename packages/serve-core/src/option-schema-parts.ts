import { z } from "zod";

/** How a field's documentation is kept: its description, plus where a default not written as `.default()` comes from. */
export type ServeOptionMeta = {
  description: string;
  /** Environment variable read when the option is not set. */
  env?: string;
  /** The default in words, when it is derived from other options or the environment. */
  defaultText?: string;
};

/** Every issue of a field says the same: "must be <expected>" (the value found is added when shown). */
export const mustBe = (expected: string) => ({ error: () => `must be ${expected}` });
export const wholeNumber = (min: number, expected = `a whole number ≥ ${min}`) =>
  z.number(mustBe(expected)).int().min(min);
export const positive = () => z.number(mustBe("> 0")).positive();
export const atLeastZero = () => z.number(mustBe("≥ 0")).min(0);
export const flag = () => z.boolean(mustBe("true or false"));
export const doc = <T extends z.ZodType>(schema: T, meta: ServeOptionMeta): T => schema.meta(meta);

/** A list of secret keys: each at least 8 characters, never shown in an error. */
export const keyList = () =>
  z.array(
    // A refine (a custom issue), so that the key itself is never shown.
    z.string(mustBe("text")).refine((key) => key.length >= 8, {
      error: (issue) =>
        `must be at least 8 characters (e.g. from \`openssl rand -hex 16\`), got one of ${String(issue.input).length}`,
    }),
    mustBe("a list of keys"),
  );

/** A list of HTTP header names, lower-cased. */
export const headerNames = () =>
  z
    .array(
      z
        .string(mustBe('a header name, e.g. "x-tenant-id"'))
        .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, mustBe('a header name, e.g. "x-tenant-id"')),
      mustBe("a list of header names"),
    )
    .transform((names) => names.map((name) => name.toLowerCase()));
