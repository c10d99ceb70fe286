import { z } from "@servekit/core";
import { usageError } from "../cli-error.js";

// The option checks every deploy target (GCE, Cloud Run, Heroku) shares, so
// the same flag is accepted, and rejected with the same message, everywhere.

/**
 * zod's error option for a required text option: says how to pass it when
 * missing.
 *
 * @example
 * z.string(required("--project my-project")); // "is required, e.g. --project my-project"
 */
export const required = (example: string) => ({
  error: (issue: { input: unknown }) =>
    issue.input === undefined ? `is required, e.g. ${example}` : "must be text",
});

/**
 * Text that must match `pattern`; the message says what was `expected` and
 * what it got.
 *
 * @example
 * matching(/^[a-z]+-[a-z]+[0-9]+$/, "a Cloud Run region, e.g. us-central1").default("us-central1");
 */
export function matching(pattern: RegExp, expected: string) {
  return z.string().superRefine((value, ctx) => {
    if (!pattern.test(value))
      ctx.addIssue({ code: "custom", message: `must be ${expected}; got "${value}"` });
  });
}

/**
 * A whole number in `min`–`max` (no `max`: ≥ `min`), as a number or its
 * digits (flags arrive as text); `example` goes into the message.
 *
 * @example
 * wholeNumber(1, 86_400).default(300); // "--timeout 600" → 600
 */
export function wholeNumber(min: number, max = Number.POSITIVE_INFINITY, example?: string) {
  const range = max === Number.POSITIVE_INFINITY ? `≥ ${min}` : `${min}–${max}`;
  return z.union([z.number(), z.string()]).transform((value, ctx) => {
    const n = typeof value === "number" ? value : /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
    if (Number.isInteger(n) && n >= min && n <= max) return n;
    ctx.addIssue({
      code: "custom",
      message: `must be a whole number ${range}${example ? `, e.g. ${example}` : ""}; got ${value}`,
    });
    return z.NEVER;
  });
}

/**
 * A number > 0, as a number or its text; `example` goes into the message.
 *
 * @example
 * positiveNumber("4").parse("0.5"); // 0.5
 */
export function positiveNumber(example: string) {
  return z.union([z.number(), z.string()]).transform((value, ctx) => {
    const n = typeof value === "number" || value.trim() !== "" ? Number(value) : NaN;
    if (Number.isFinite(n) && n > 0) return n;
    ctx.addIssue({
      code: "custom",
      message: `must be a number > 0, e.g. ${example}; got ${value}`,
    });
    return z.NEVER;
  });
}

/**
 * A commander argument parser that parses a flag's text with `schema`; a
 * usage error names the flag and the schema's message.
 *
 * @example
 * program.option("--gpu <count>", "GPUs per pod", flagParser("--gpu", wholeNumber(0)));
 * // --gpu x → "--gpu must be a whole number ≥ 0; got x"
 */
export function flagParser<T>(flag: string, schema: z.ZodType<T>): (value: string) => T {
  return (value) => {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    throw usageError(`${flag} ${parsed.error.issues[0]?.message}`);
  };
}

// Google Cloud project ids: 6–30 characters, optionally domain-scoped ("example.com:my-project").
const PROJECT = /^([a-z0-9.-]+:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const REGISTRY =
  /^[a-z][a-z0-9-]*[a-z0-9]-docker\.pkg\.dev\/[a-z][a-z0-9-]{4,28}[a-z0-9]\/[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
// A local image reference without a digest; any registry/namespace prefix is dropped when pushing.
const IMAGE =
  /^(?:[^\s@:/]+(?::[0-9]+)?\/)*([a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)(?::([\w][\w.-]{0,127}))?$/;
const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `--project`: a Google Cloud project id.
 *
 * @example
 * z.object({ project: projectSchema }).parse({ project: "my-project" });
 */
export const projectSchema = z
  .string(required("--project my-project"))
  .pipe(matching(PROJECT, "a Google Cloud project id (6–30 lowercase letters, digits, hyphens)"));

/**
 * `--registry`: an Artifact Registry repository, without a trailing slash.
 *
 * @example
 * artifactRegistrySchema.parse("us-central1-docker.pkg.dev/my-project/servekit/");
 * // "us-central1-docker.pkg.dev/my-project/servekit"
 */
export const artifactRegistrySchema = z
  .string()
  .transform((value) => value.replace(/\/+$/, ""))
  .pipe(
    matching(
      REGISTRY,
      "an Artifact Registry repository REGION-docker.pkg.dev/PROJECT/REPOSITORY, e.g. us-central1-docker.pkg.dev/my-project/servekit",
    ),
  );

/**
 * `--image`: the locally built image, `[prefix/]name[:tag]` without a digest.
 *
 * @example
 * localImageSchema.parse("localhost/yolov5:v2");
 */
export const localImageSchema = matching(
  IMAGE,
  "a local image name:tag without a digest, e.g. yolov5:latest",
);

/**
 * `<registry>/<name>:<tag>` for a local `[prefix/]name[:tag]` that
 * {@link localImageSchema} accepted (tag "latest" when absent).
 *
 * @example
 * remoteImage("us-central1-docker.pkg.dev/p/r", "localhost/yolov5"); // "…/p/r/yolov5:latest"
 */
export function remoteImage(registry: string, image: string): string {
  const [, name, tag] = IMAGE.exec(image) ?? [];
  return `${registry}/${name}:${tag ?? "latest"}`;
}

/** What a target's `--env` accepts besides `KEY=VALUE`. */
export interface EnvPairsRules {
  /** Keys the platform sets itself, each with why, e.g. `{ PORT: "Heroku assigns …" }`. */
  reserved?: Readonly<Record<string, string>>;
  /** Values must be one line (they go into a file with a variable a line). @default false */
  oneLine?: boolean;
}

/**
 * `--env`: `KEY=VALUE` strings (or a record) → `[key, value]` pairs in
 * order; a key given twice keeps its last value, at its last place (as
 * gcloud does). Every bad item is reported.
 *
 * @example
 * envPairsSchema({ reserved: { PORT: "Cloud Run sets it from --port" } }).parse(["A=1", "B=x=y"]);
 * // [["A", "1"], ["B", "x=y"]]
 */
export function envPairsSchema(rules: EnvPairsRules = {}) {
  return z.union([z.array(z.string()), z.record(z.string(), z.string())]).transform((env, ctx) => {
    const entries = Array.isArray(env)
      ? env.map((item) => {
          const at = item.indexOf("=");
          return at > 0 ? [item.slice(0, at), item.slice(at + 1)] : [item, undefined];
        })
      : Object.entries(env);
    const pairs = new Map<string, string>();
    for (const [key, value] of entries as [string, string | undefined][]) {
      const reservedBecause = rules.reserved?.[key];
      if (value === undefined || !ENV_KEY.test(key) || (rules.oneLine && /[\r\n]/.test(value)))
        ctx.addIssue({
          code: "custom",
          message: `must be KEY=VALUE${rules.oneLine ? " on one line" : ""} with KEY a letter or _ then letters, digits or _, e.g. --env LOG_LEVEL=debug; got "${value === undefined ? key : `${key}=${value}`}"`,
        });
      else if (reservedBecause !== undefined)
        ctx.addIssue({ code: "custom", message: `must not set ${key}: ${reservedBecause}` });
      else {
        pairs.delete(key);
        pairs.set(key, value);
      }
    }
    return [...pairs];
  });
}

/**
 * The "is required to deploy" problems for `registry` and `image` that are
 * missing from `options` (neither is needed to delete), for a schema's
 * `superRefine` or a list of cross-field issues.
 *
 * @example
 * missingToDeploy({ image: undefined }, ["image"]); // [{ path: ["image"], message: "is required to deploy: …" }]
 */
export function missingToDeploy(
  options: { registry?: unknown; image?: unknown; delete?: boolean },
  keys: readonly ("registry" | "image")[],
): { path: string[]; message: string }[] {
  if (options.delete) return [];
  return keys
    .filter((key) => options[key] === undefined)
    .map((key) => ({ path: [key], message: REQUIRED_TO_DEPLOY[key] }));
}

const REQUIRED_TO_DEPLOY = {
  registry: "is required to deploy, e.g. --registry us-central1-docker.pkg.dev/my-project/servekit",
  image: "is required to deploy: the image `serve-cli build` made, e.g. --image yolov5:latest",
};
