import { z } from "zod";
import { ConfigError, configProblems } from "./config-error.js";
import { checkServeOptionRules, everyProblem } from "./serve-option-rules.js";
import { type ServeOptions, serveOptionsShape } from "./serve-options-schema.js";

/**
 * The option fields without their defaults: a config file passes on only
 * what it sets, so that options from `serve()` and flags layered on top of
 * it are not overridden by defaults it never wrote.
 */
type WithoutDefaults<S> = {
  [K in keyof S]: S[K] extends z.ZodDefault<infer T> | z.ZodPrefault<infer T>
    ? z.ZodOptional<T>
    : S[K];
};

function withoutDefaults<S extends Record<string, z.ZodType>>(shape: S): WithoutDefaults<S> {
  const fields: Record<string, z.ZodType> = {};
  for (const [key, field] of Object.entries(shape)) {
    const inner =
      field instanceof z.ZodDefault || field instanceof z.ZodPrefault
        ? (field.unwrap() as z.ZodType)
        : undefined;
    fields[key] = inner
      ? (inner instanceof z.ZodObject
          ? z.strictObject(withoutDefaults(inner.shape as Record<string, z.ZodType>))
          : inner
        ).optional()
      : field;
  }
  return fields as WithoutDefaults<S>;
}

/**
 * Schema of `serve.config.ts`: the predictor entry plus every server option
 * of `serveOptionsSchema` (same rules, no defaults applied), and a `build`
 * section that `serve-cli` reads and checks. Unknown keys are errors, so
 * typos surface.
 */
export const serveConfigSchema = z
  .strictObject({
    entry: z
      .string()
      .min(1, 'must name the predictor module, e.g. "predictor.ts"')
      .default("predictor.ts")
      .describe(
        'Predictor module, optionally with an export name: "predictor.ts" or "src/model.ts:detector"',
      ),
    ...withoutDefaults(serveOptionsShape),
    build: z
      .unknown()
      .optional()
      .describe(
        "Container image settings, read and checked by serve-cli (`build`, `dockerfile`): weights, env, baseImage",
      ),
  })
  .superRefine(checkServeOptionRules, everyProblem);

/**
 * What `serve.config.ts` holds (before defaults); `build` is typed by
 * serve-cli's `defineConfig`. An interface, so that a config file's inferred
 * type is named, not spelled out with types from core's own dependencies.
 */
export interface ServeConfig extends z.input<typeof serveConfigSchema> {}

/** A checked config, `entry` defaulted; `build` still unchecked (serve-cli checks it). */
export type ResolvedServeConfig = z.output<typeof serveConfigSchema>;

/**
 * Types a `serve.config.ts` file's server options. CLI flags override what it
 * sets. For container `build` settings, use `defineConfig` from
 * `@servekit/cli`, which types those too.
 *
 * @example
 * // serve.config.ts
 * export default defineConfig({ entry: "predictor.ts", port: 8000, workers: "auto" });
 */
export function defineConfig(config: ServeConfig): ServeConfig {
  return config;
}

/**
 * Checks a loaded config; throws one {@link ConfigError} listing every
 * problem with its field path, e.g. "serve.config.ts is invalid:\n- `port`:
 * must be 0–65535, got 70000".
 */
export function parseServeConfig(value: unknown, source = "serve.config.ts"): ResolvedServeConfig {
  const result = serveConfigSchema.safeParse(value ?? {}, { reportInput: true });
  if (result.success) return result.data;
  const problems = configProblems(result.error, (path) =>
    path.length === 0 ? Object.keys(serveConfigSchema.shape) : [],
  );
  throw new ConfigError(problems, { source });
}

/** The server options in a config (everything but `entry` and `build`). */
export function configServeOptions(config: ResolvedServeConfig): ServeOptions {
  const { entry: _entry, build: _build, ...options } = config;
  return options;
}
