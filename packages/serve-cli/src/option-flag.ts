import {
  configProblems,
  formatConfigProblem,
  type ServeOptions,
  serveOptionsSchema,
  type z,
} from "@servekit/core";
import { usageError } from "./cli-error.js";

type OptionKey = keyof typeof serveOptionsSchema.shape & keyof ServeOptions;

/**
 * A commander parser for a flag (or environment variable) that sets the
 * server option `key`: the text is read as a number when it is one, then
 * checked by `serveOptionsSchema`'s rule for that option; a bad value is a
 * usage error in the schema's words, naming the flag.
 *
 * @example
 * program.option("-p, --port <port>", "port to listen on", optionFlag("port", "--port"));
 * // serve-cli run --port 70000 → error: --port must be 0–65535, got 70000 (exit 2)
 */
export function optionFlag<K extends OptionKey>(
  key: K,
  flag: string,
): (text: string) => NonNullable<ServeOptions[K]> {
  return schemaFlag(serveOptionsSchema.shape[key], flag) as (
    text: string,
  ) => NonNullable<ServeOptions[K]>;
}

/**
 * A commander parser that checks a flag's text with one field's zod rule
 * (read as a number when it is one); a bad value is a usage error in the
 * schema's words, naming the flag. {@link optionFlag} for server options;
 * other option schemas (the stream consumer's) use it directly.
 */
export function schemaFlag(field: z.ZodType, flag: string): (text: string) => unknown {
  return (text) => {
    const value = /^-?\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : text;
    const result = field.safeParse(value, { reportInput: true });
    if (result.success) return result.data;
    const problems = configProblems(result.error).map((problem) =>
      formatConfigProblem(problem, flag),
    );
    throw usageError(problems.join("\n"));
  };
}
