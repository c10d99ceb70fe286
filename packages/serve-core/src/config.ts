import { z } from "zod";
import type { ServeOptions } from "./options.js";

const LogLevel = z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]);

/**
 * Schema of `serve.config.ts`: the predictor entry plus server options.
 * Unknown keys are errors, so typos surface.
 */
export const serveConfigSchema = z
  .object({
    entry: z
      .string()
      .min(1)
      .default("predictor.ts")
      .describe(
        'Predictor module, optionally with an export name: "predictor.ts" or "src/model.ts:detector"',
      ),
    port: z.number().int().min(0).max(65535).optional(),
    host: z.string().min(1).optional(),
    workers: z.union([z.number().int().min(0), z.literal("auto")]).optional(),
    processes: z.union([z.number().int().min(1), z.literal("auto")]).optional(),
    maxConcurrency: z.number().int().min(1).optional(),
    maxQueue: z.number().int().min(0).optional(),
    queueTimeoutMs: z.number().positive().optional(),
    predictTimeoutMs: z.number().positive().optional(),
    abortGraceMs: z.number().min(0).optional(),
    workerOldSpaceMb: z.number().int().min(0).optional(),
    workerMaxOldSpaceMb: z.number().int().min(0).optional(),
    workerRestart: z
      .object({
        attempts: z.number().int().min(1).optional(),
        initialDelayMs: z.number().min(0).optional(),
        maxDelayMs: z.number().min(0).optional(),
      })
      .strict()
      .optional(),
    maxBodyBytes: z.number().int().min(1).optional(),
    maxBodyBytesInFlight: z.number().int().min(1).optional(),
    bodyReadTimeoutMs: z.number().positive().optional(),
    shutdownGraceMs: z.number().min(0).optional(),
    logLevel: LogLevel.optional(),
    docs: z.boolean().optional(),
    ui: z.boolean().optional(),
    metrics: z.boolean().optional(),
    exposeSetupDetails: z.boolean().optional(),
    apiKeys: z.array(z.string().min(8, "API keys must be at least 8 characters")).optional(),
    publicPaths: z.array(z.string().startsWith("/")).optional(),
    rateLimit: z
      .object({
        requestsPerMinute: z.number().positive(),
        burst: z.number().int().min(1).optional(),
      })
      .strict()
      .optional(),
    cors: z
      .union([z.boolean(), z.object({ origin: z.union([z.string(), z.array(z.string())]) })])
      .optional(),
    journalDir: z.string().min(1).optional(),
    predictionRetentionMs: z.number().min(0).optional(),
    maxRetainedPredictions: z.number().int().min(0).optional(),
    asyncRetainedInputBytes: z.number().int().min(1).optional(),
    webhookAllowHosts: z.array(z.string().min(1)).optional(),
    webhookDenyHosts: z.array(z.string().min(1)).optional(),
    webhookRetry: z
      .object({
        attempts: z.number().int().min(1).optional(),
        initialDelayMs: z.number().min(0).optional(),
        maxDelayMs: z.number().min(0).optional(),
        timeoutMs: z.number().positive().optional(),
      })
      .strict()
      .optional(),
    build: z
      .object({
        weights: z
          .union([
            z.array(z.string().min(1)),
            z.custom<() => string[] | Promise<string[]>>((v) => typeof v === "function", {
              message: "expected a list of files, or a function returning one",
            }),
          ])
          .default([])
          .describe(
            "Files copied into the image's /srv/weights layer (paths relative to the config file), or a function returning them: only `serve-cli build` and `dockerfile` call it, so finding (or downloading) weights costs nothing elsewhere",
          ),
        env: z
          .record(z.string(), z.string())
          .default({})
          .describe("Environment variables set in the image"),
        baseImage: z.string().min(1).optional().describe("Runtime and builder base image"),
      })
      .strict()
      .optional()
      .describe("Container image settings for `serve-cli build`"),
  })
  .strict();

/** What `serve.config.ts` holds (before defaults). */
export type ServeConfig = z.input<typeof serveConfigSchema>;

/** A checked config, `entry` defaulted. */
export type ResolvedServeConfig = z.output<typeof serveConfigSchema>;

/**
 * Types a `serve.config.ts` file. CLI flags override what it sets.
 *
 * @example
 * // serve.config.ts
 * export default defineConfig({ entry: "predictor.ts", port: 8000, workers: "auto" });
 */
export function defineConfig(config: ServeConfig): ServeConfig {
  return config;
}

/**
 * Checks a loaded config; throws one error listing every problem with its
 * field path, e.g. "serve.config.ts: `port`: Too big: expected number to be <=65535".
 */
export function parseServeConfig(value: unknown, source = "serve.config.ts"): ResolvedServeConfig {
  const result = serveConfigSchema.safeParse(value ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const where = issue.path.length > 0 ? `\`${issue.path.join(".")}\`: ` : "";
    return `- ${where}${issue.message}`;
  });
  throw new TypeError(`${source} is invalid:\n${problems.join("\n")}`);
}

/** The server options in a config (everything but `entry`). */
export function configServeOptions(config: ResolvedServeConfig): ServeOptions {
  const { entry: _entry, build: _build, ...options } = config;
  return options;
}
