import { z } from "zod";
import { ConfigError, type ConfigProblem, configProblems } from "./config-error.js";
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
 * The server options a model in `models` may set for itself: how its own
 * setup, pool and queue run. The rest (port, keys, limits on bodies) belong
 * to the one server they share.
 */
const MODEL_OPTION_KEYS = [
  "workers",
  "maxConcurrency",
  "maxQueue",
  "queueTimeoutMs",
  "predictTimeoutMs",
  "abortGraceMs",
  "workerOldSpaceMb",
  "workerMaxOldSpaceMb",
  "workerRestart",
] as const satisfies readonly (keyof typeof serveOptionsShape)[];

type ModelOptionKey = (typeof MODEL_OPTION_KEYS)[number];
const modelOptionsSchema = z
  .strictObject(
    withoutDefaults(
      Object.fromEntries(MODEL_OPTION_KEYS.map((key) => [key, serveOptionsShape[key]])) as Pick<
        typeof serveOptionsShape,
        ModelOptionKey
      >,
    ),
    { error: () => `must be an object of a model's options (${MODEL_OPTION_KEYS.join(", ")})` },
  )
  .superRefine(checkServeOptionRules, everyProblem);

const modelEntrySchema = z
  .string({ error: () => 'must be text, e.g. "detector.ts" or "models.ts:detector"' })
  .min(1, 'must name the predictor module, e.g. "detector.ts" or "models.ts:detector"');

const ITEM_SHAPES = '"file.ts", "file.ts:export" or { entry: "file.ts:export", options? }';

/** One item of `models`, a module (and export) with options of its own. */
const modelItemSchema = z.union(
  [
    modelEntrySchema,
    z.strictObject(
      {
        entry: modelEntrySchema.describe('Predictor module and export: "models.ts:detector"'),
        options: modelOptionsSchema
          .optional()
          .describe("This model's own workers, queue and timeouts, over the server's"),
      },
      { error: () => `must be ${ITEM_SHAPES}` },
    ),
  ],
  { error: () => `must be ${ITEM_SHAPES}` },
);

const configShape = {
  entry: z
    .string({ error: () => 'must be text, e.g. "predictor.ts"' })
    .min(1, 'must name the predictor module, e.g. "predictor.ts"')
    .optional()
    .describe(
      'Predictor module, optionally with an export name: "predictor.ts" or "src/model.ts:detector" (default "predictor.ts"; not with `models`)',
    ),
  models: z
    .array(modelItemSchema, { error: () => `must be a list of ${ITEM_SHAPES}` })
    .min(1, `must list at least one model, e.g. ["a.ts", "b.ts:detector"]`)
    .optional()
    .describe(
      'Several predictors served by one server, instead of `entry`: each "file.ts", "file.ts:export" or { entry, options } with its own workers, queue and timeouts; the first is the default model',
    ),
  ...withoutDefaults(serveOptionsShape),
  build: z
    .unknown()
    .optional()
    .describe(
      "Container image settings, read and checked by serve-cli (`build`, `dockerfile`): weights, env, baseImage",
    ),
};

/** `entry` and `models` both name what to serve: a config says one of them. */
function checkEntryOrModels(value: unknown, ctx: z.RefinementCtx): void {
  const config = value as { entry?: unknown; models?: unknown };
  if (config.entry !== undefined && config.models !== undefined)
    ctx.addIssue({
      code: "custom",
      path: ["entry"],
      message: `cannot be set with \`models\`: serve one predictor with \`entry\`, or several with \`models\` (move ${JSON.stringify(config.entry)} into \`models\`, first to make it the default)`,
    });
}

/** A model of `models`, its item in one shape: a module (and export) and its own options. */
export interface ModelConfig {
  /** `"file.ts"` or `"file.ts:export"`, relative to the config file. */
  entry: string;
  /** Options of this model's own setup, pool and queue, laid over the server's. */
  options?: z.output<typeof modelOptionsSchema>;
}

/**
 * Schema of `serve.config.ts`: what to serve (`entry`, one predictor, or
 * `models`, several) plus every server option of `serveOptionsSchema` (same
 * rules, no defaults applied), and a `build` section that `serve-cli` reads
 * and checks. Unknown keys are errors, so typos surface.
 */
export const serveConfigSchema = z
  .strictObject(configShape)
  .superRefine(checkServeOptionRules, everyProblem)
  .superRefine(checkEntryOrModels, everyProblem)
  .transform(({ entry, models, ...rest }) => {
    const modelConfigs = models?.map(
      (item): ModelConfig => (typeof item === "string" ? { entry: item } : item),
    );
    // With `models`, the first is what one-predictor commands (predict, build) take.
    return {
      entry: entry ?? modelConfigs?.[0]?.entry ?? "predictor.ts",
      ...(modelConfigs ? { models: modelConfigs } : {}),
      ...rest,
    };
  });

/**
 * What `serve.config.ts` holds (before defaults); `build` is typed by
 * serve-cli's `defineConfig`. An interface, so that a config file's inferred
 * type is named, not spelled out with types from core's own dependencies.
 */
export interface ServeConfig extends z.input<typeof serveConfigSchema> {}

/**
 * A checked config: `entry` defaulted (with `models`, the first model's),
 * each of `models` as `{ entry, options? }`; `build` still unchecked
 * (serve-cli checks it).
 */
export type ResolvedServeConfig = z.output<typeof serveConfigSchema>;

/**
 * Types a `serve.config.ts` file's server options. CLI flags override what it
 * sets. For container `build` settings, use `defineConfig` from
 * `@servekit/cli`, which types those too.
 *
 * @example
 * // serve.config.ts
 * export default defineConfig({ entry: "predictor.ts", port: 8000, workers: "auto" });
 * // or several models, the first the default:
 * export default defineConfig({ models: ["fp32.ts", { entry: "fp16.ts", options: { workers: 1 } }] });
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
  const problems = configProblems(flattenModelItemIssues(result.error), knownKeys).map(
    serverOptionInModel,
  );
  throw new ConfigError(problems, { source });
}

/** The keys a config object may hold at `path`, for "did you mean" hints. */
function knownKeys(path: PropertyKey[]): readonly string[] {
  if (path.length === 0) return Object.keys(configShape);
  if (path[0] !== "models") return [];
  if (path.length === 2) return ["entry", "options"];
  if (path.length === 3 && path[2] === "options") return MODEL_OPTION_KEYS;
  return [];
}

/**
 * A `models` item that is an object but wrong in one of its fields reports
 * that field's problems, not "must be one of the shapes": zod reports a
 * union that failed as a whole.
 */
function flattenModelItemIssues(error: z.ZodError): z.ZodError {
  const issues = error.issues.flatMap((issue) => {
    const item = issue.path.length === 2 && issue.path[0] === "models" ? issue.input : undefined;
    if (issue.code !== "invalid_union" || typeof item !== "object" || item === null) return [issue];
    const objectIssues = issue.errors[1] ?? [];
    return objectIssues.map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] }));
  });
  return new z.ZodError(issues as z.core.$ZodIssue[]);
}

/** `port` under a model's `options`: say where it goes instead. */
function serverOptionInModel(problem: ConfigProblem): ConfigProblem {
  const key = /^models\.\d+\.options\.([^.]+)$/.exec(problem.path)?.[1];
  if (!key || !(key in serveOptionsShape) || !problem.message.startsWith("is not an option"))
    return problem;
  return {
    path: problem.path,
    message: `is a server option, not a model's: set it at the top level of the config (a model's options: ${MODEL_OPTION_KEYS.join(", ")})`,
  };
}

/** The server options in a config (everything but `entry`, `models` and `build`). */
export function configServeOptions(config: ResolvedServeConfig): ServeOptions {
  const { entry: _entry, models: _models, build: _build, ...options } = config;
  return options;
}
