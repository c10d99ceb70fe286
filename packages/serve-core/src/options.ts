import { availableParallelism } from "node:os";
import type { z } from "zod";
import type { WebhookRetryOptions } from "./async-options-schema.js";
import { ConfigError, configProblems } from "./config-error.js";
import type { Logger } from "./logger.js";
import {
  type ServeOptions,
  serveOptionsSchema,
  serveOptionsShape,
  type WorkerRestartOptions,
} from "./serve-options-schema.js";

export type { WebhookRetryOptions } from "./async-options-schema.js";
export {
  type ServeOptionMeta,
  type ServeOptions,
  serveOptionsSchema,
  type WorkerRestartOptions,
} from "./serve-options-schema.js";

type Parsed = z.output<typeof serveOptionsSchema>;

/** {@link ServeOptions} with every default applied and `"auto"` counted. */
export interface ResolvedServeOptions
  extends Omit<
    Parsed,
    | "logger"
    | "predictorModule"
    | "workers"
    | "processes"
    | "maxConcurrency"
    | "maxBodyBytesInFlight"
    | "rateLimit"
    | "journalDir"
    | "webhookRetry"
    | "workerRestart"
  > {
  maxConcurrency: number;
  maxBodyBytesInFlight: number;
  journalDir: string | undefined;
  webhookRetry: Required<WebhookRetryOptions>;
  workerRestart: Required<WorkerRestartOptions>;
  rateLimit: ServeOptions["rateLimit"];
  workers: number;
  processes: number;
  predictorModule: string | undefined;
  logger: Logger | undefined;
}

/**
 * Parses options with {@link serveOptionsSchema} (options left unset first
 * take `PORT`, `LOG_LEVEL`, `SERVEKIT_API_KEYS`, `SERVEKIT_ADMIN_KEYS`,
 * `SERVEKIT_CORS_ORIGIN`, `SERVEKIT_JOURNAL_DIR`, `SERVEKIT_WEIGHTS_DIR` and `SERVEKIT_STORE` from the environment), then derives what depends
 * on other options: `"auto"` as the CPU count, `maxConcurrency` from
 * `workers`, `maxBodyBytesInFlight` from `maxBodyBytes`.
 *
 * @throws {ConfigError} listing every invalid option at once.
 * @example
 * resolveServeOptions({ workers: 3 }).maxConcurrency; // 3
 */
export function resolveServeOptions(options: ServeOptions = {}): ResolvedServeOptions {
  const { input, fromEnvironment } = withEnvironment(options);
  const parsed = serveOptionsSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) {
    const problems = configProblems(parsed.error, (path) =>
      path.length === 0 ? Object.keys(serveOptionsShape) : [],
    ).map((problem) => {
      const variable = fromEnvironment.get(problem.path.split(".")[0]!);
      if (!variable) return problem;
      return problem.received === undefined
        ? { ...problem, message: `${problem.message} (from ${variable})` }
        : { ...problem, received: `${problem.received} (from ${variable})` };
    });
    throw new ConfigError(problems);
  }
  const value = parsed.data;
  const workers = value.workers === "auto" ? availableParallelism() : value.workers;
  return {
    ...value,
    workers,
    processes: value.processes === "auto" ? availableParallelism() : value.processes,
    predictorModule: value.predictorModule?.toString(),
    maxConcurrency: value.maxConcurrency ?? Math.max(workers, 1),
    maxBodyBytesInFlight:
      value.maxBodyBytesInFlight ?? Math.max(256 * 1024 * 1024, value.maxBodyBytes),
    journalDir: value.journalDir,
    rateLimit: value.rateLimit,
    logger: value.logger,
  };
}

/** The environment's settings for options left unset, for containers configured by environment. */
function withEnvironment(options: ServeOptions): {
  input: ServeOptions;
  fromEnvironment: Map<string, string>;
} {
  const env = process.env;
  const fromEnvironment = new Map<string, string>();
  const input: Record<string, unknown> = { ...options };
  const fill = (key: keyof ServeOptions, variable: string, value: unknown) => {
    if (input[key] !== undefined || value === undefined) return;
    input[key] = value;
    fromEnvironment.set(key, variable);
  };
  // An unusable PORT falls back to the default, as it always has.
  fill("port", "PORT", Number(env.PORT) || undefined);
  fill("logLevel", "LOG_LEVEL", env.LOG_LEVEL || undefined);
  const keys = list(env.SERVEKIT_API_KEYS);
  fill("apiKeys", "SERVEKIT_API_KEYS", keys.length > 0 ? keys : undefined);
  const origins = list(env.SERVEKIT_CORS_ORIGIN);
  fill(
    "cors",
    "SERVEKIT_CORS_ORIGIN",
    origins.length === 0 ? undefined : origins.includes("*") ? true : { origin: origins },
  );
  fill("journalDir", "SERVEKIT_JOURNAL_DIR", env.SERVEKIT_JOURNAL_DIR || undefined);
  fill("weightsDir", "SERVEKIT_WEIGHTS_DIR", env.SERVEKIT_WEIGHTS_DIR || undefined);
  fill("store", "SERVEKIT_STORE", env.SERVEKIT_STORE || undefined);
  const adminKeys = list(env.SERVEKIT_ADMIN_KEYS);
  fill("adminApiKeys", "SERVEKIT_ADMIN_KEYS", adminKeys.length > 0 ? adminKeys : undefined);
  return { input: input as ServeOptions, fromEnvironment };
}

/** A comma-separated environment variable's items. */
function list(value: string | undefined): string[] {
  return (
    value
      ?.split(",")
      .map((v) => v.trim())
      .filter(Boolean) ?? []
  );
}
