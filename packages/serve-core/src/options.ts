import { isIP } from "node:net";
import { availableParallelism } from "node:os";
import type { Logger, LogLevel } from "./logger.js";

/** How a predictor is served. Every field is optional. */
export interface ServeOptions {
  /** Port to listen on (only for `serve`). @default Number(process.env.PORT) || 8000 */
  port?: number;
  /** Interface to bind (only for `serve`). @default "0.0.0.0" */
  host?: string;
  /**
   * Worker threads that run predictions: `0` runs them on the HTTP thread
   * (fine for light or I/O-bound predictors), `"auto"` one per CPU core.
   * @default 0
   */
  workers?: number | "auto";
  /**
   * HTTP processes sharing the port (`node:cluster`, only for `serve`): the
   * process that calls `serve()` forks this many, restarts one that dies and
   * stops them all on SIGTERM/SIGINT; `"auto"` one per CPU core. Each process
   * has its own `workers` pool, so `processes × workers` threads run. Helps
   * when request handling (JSON parse, base64, image decode) rather than the
   * model is the bottleneck.
   * @default 1
   */
  processes?: number | "auto";
  /**
   * Module that exports the predictor, for workers to import. Found
   * automatically from where `definePredictor` was called; set it when that fails.
   * @default predictor.moduleUrl
   */
  predictorModule?: string | URL;
  /** Predictions running at once. @default workers, or 1 inline */
  maxConcurrency?: number;
  /** Predictions waiting for a slot before new ones get 503. @default 64 */
  maxQueue?: number;
  /** Longest a prediction waits in the queue for a slot before it gets 503 with Retry-After. @default 30_000 */
  queueTimeoutMs?: number;
  /** Time one prediction may run before it gets 504 and its signal aborts. @default 60_000 */
  predictTimeoutMs?: number;
  /** How long a pool worker may ignore an abort before it is replaced. @default 5_000 */
  abortGraceMs?: number;
  /**
   * Old-generation size (MiB) below which a pool worker's V8 heap skips full
   * garbage collections. Predictors that allocate large short-lived buffers
   * (pixels, tensors) otherwise run one nearly every prediction. Applies to
   * the workers only; the main thread keeps the node command line's
   * `--initial-old-space-size`. 0 leaves the workers that one, or V8's
   * default. @default 128
   */
  workerOldSpaceMb?: number;
  /**
   * Heap limit (MiB of old generation) of each pool worker, as
   * `resourceLimits.maxOldGenerationSizeMb`: a prediction that outgrows it
   * ends its worker (the request gets 500, the worker is replaced), not the
   * process. 0 leaves V8's default, the main thread's limit, for each worker.
   * @default 0
   */
  workerMaxOldSpaceMb?: number;
  /**
   * Retries of a crashed pool worker whose replacement fails setup: delays
   * double from `initialDelayMs` up to `maxDelayMs` while the other workers
   * serve; after `attempts` failures in a row `/health` says DEFUNCT and
   * `/health/live` answers 503, so the platform restarts the process.
   * @default { attempts: 5, initialDelayMs: 1_000, maxDelayMs: 30_000 }
   */
  workerRestart?: WorkerRestartOptions;
  /** Largest request body in bytes; larger gets 413. @default 20 * 1024 * 1024 */
  maxBodyBytes?: number;
  /**
   * Bytes of all request bodies being received at once (a declared
   * Content-Length counts before the body is read); a body that does not fit
   * gets 503 with Retry-After. Bounds the memory slow or stalled uploads hold.
   * @default 256 MiB, or `maxBodyBytes` if larger
   */
  maxBodyBytesInFlight?: number;
  /** Longest a request body may take to arrive; slower gets 408 and the connection closed. @default 30_000 */
  bodyReadTimeoutMs?: number;
  /** On shutdown, how long to wait for running predictions. @default 30_000 */
  shutdownGraceMs?: number;
  /** Log level of the JSON logs. @default process.env.LOG_LEVEL or "info" */
  logLevel?: LogLevel;
  /** A pino logger to use instead of the default one. */
  logger?: Logger;
  /** Serve `/docs` (interactive API docs). @default true */
  docs?: boolean;
  /** Serve `/ui` (the playground generated from the input schema). @default true */
  ui?: boolean;
  /**
   * API keys accepted as `Authorization: Bearer <key>` or `X-API-Key`; none
   * means no authentication. @default SERVEKIT_API_KEYS (comma-separated), else none
   */
  apiKeys?: string[];
  /**
   * Path prefixes open without a key and not rate limited.
   * @default ["/health", "/docs", "/ui", "/openapi.json"] (and "/")
   */
  publicPaths?: string[];
  /** Per-client limit (by API key, else address); over it, 429 with Retry-After. @default none */
  rateLimit?: { requestsPerMinute: number; burst?: number };
  /** On SIGTERM/SIGINT, drain and exit 0 (only for `serve`). @default true */
  handleSignals?: boolean;
  /**
   * Serve `GET /metrics` (Prometheus) and record the metrics behind it. It
   * needs a key when `apiKeys` are set, and is open to anyone who can reach
   * the port when none are. @default true
   */
  metrics?: boolean;
  /**
   * Show setup's log lines and error in `GET /health` (they may name files,
   * e.g. absolute weight paths); false shows only status and times, and the
   * details stay in the server's log. @default true
   */
  exposeSetupDetails?: boolean;
  /**
   * Cross-origin requests: `true` allows any origin, `{ origin }` the given
   * ones (e.g. a UI served from another host).
   * @default from SERVEKIT_CORS_ORIGIN (comma-separated origins or "*"), else false
   */
  cors?: boolean | { origin: string | string[] };
  /**
   * Directory of the async-prediction journal (`predictions.jsonl`): accepted
   * `Prefer: respond-async` predictions survive a crash and are re-run on start.
   * @default SERVEKIT_JOURNAL_DIR, else none (in memory only)
   */
  journalDir?: string;
  /** How long a finished async prediction stays readable at `GET /predictions/{id}`. @default 3_600_000 (1 h) */
  predictionRetentionMs?: number;
  /** Most finished async predictions kept; the oldest are forgotten first. @default 1_000 */
  maxRetainedPredictions?: number;
  /**
   * Bytes of async prediction inputs (as JSON) kept in memory and in the
   * journal. Beyond it, the oldest finished predictions forget their input
   * (`input: null`); when the inputs of unfinished ones alone would pass it,
   * new async predictions get 503 `OVERLOADED` with `Retry-After`.
   * @default 268_435_456 (256 MiB)
   */
  asyncRetainedInputBytes?: number;
  /**
   * When non-empty, webhooks may only go to these hosts: names
   * (`hooks.example.com`, `*.example.com`), addresses or CIDR ranges, checked
   * against the name and every address it resolves to.
   * @default [] (any host not denied)
   */
  webhookAllowHosts?: string[];
  /**
   * Hosts webhooks may not reach, on top of link-local (169.254.0.0/16,
   * fe80::/10) and cloud metadata addresses, which are always denied.
   * @default []
   */
  webhookDenyHosts?: string[];
  /** Retries of webhook deliveries (network errors, 5xx, 429). @default { attempts: 5, initialDelayMs: 500, maxDelayMs: 30_000, timeoutMs: 10_000 } */
  webhookRetry?: WebhookRetryOptions;
}

/** How a crashed pool worker's replacement is retried: delays double from `initialDelayMs` up to `maxDelayMs`. */
export interface WorkerRestartOptions {
  /** Failed setups of one worker's replacements in a row before the pool gives up. @default 5 */
  attempts?: number;
  /** Wait before the second try. @default 1_000 */
  initialDelayMs?: number;
  /** Longest wait between tries. @default 30_000 */
  maxDelayMs?: number;
}

/** How webhook deliveries are retried: delays double from `initialDelayMs` up to `maxDelayMs`. */
export interface WebhookRetryOptions {
  /** Tries in all, the first included. @default 5 */
  attempts?: number;
  /** Wait before the second try. @default 500 */
  initialDelayMs?: number;
  /** Longest wait between tries. @default 30_000 */
  maxDelayMs?: number;
  /** Time one try may take. @default 10_000 */
  timeoutMs?: number;
}

/** {@link ServeOptions} with every default applied. */
export interface ResolvedServeOptions
  extends Required<
    Omit<
      ServeOptions,
      | "logger"
      | "predictorModule"
      | "workers"
      | "processes"
      | "rateLimit"
      | "journalDir"
      | "webhookRetry"
      | "workerRestart"
    >
  > {
  journalDir: string | undefined;
  webhookRetry: Required<WebhookRetryOptions>;
  workerRestart: Required<WorkerRestartOptions>;
  rateLimit: ServeOptions["rateLimit"];
  workers: number;
  processes: number;
  predictorModule: string | undefined;
  logger: Logger | undefined;
}

/** Applies defaults and checks every option, reporting all problems at once. */
export function resolveServeOptions(options: ServeOptions = {}): ResolvedServeOptions {
  const workers = options.workers === "auto" ? availableParallelism() : (options.workers ?? 0);
  const processes =
    options.processes === "auto" ? availableParallelism() : (options.processes ?? 1);
  const resolved: ResolvedServeOptions = {
    port: options.port ?? (Number(process.env.PORT) || 8000),
    host: options.host ?? "0.0.0.0",
    workers,
    processes,
    predictorModule: options.predictorModule?.toString(),
    maxConcurrency: options.maxConcurrency ?? Math.max(workers, 1),
    maxQueue: options.maxQueue ?? 64,
    queueTimeoutMs: options.queueTimeoutMs ?? 30_000,
    predictTimeoutMs: options.predictTimeoutMs ?? 60_000,
    abortGraceMs: options.abortGraceMs ?? 5_000,
    workerOldSpaceMb: options.workerOldSpaceMb ?? 128,
    workerMaxOldSpaceMb: options.workerMaxOldSpaceMb ?? 0,
    workerRestart: {
      attempts: options.workerRestart?.attempts ?? 5,
      initialDelayMs: options.workerRestart?.initialDelayMs ?? 1_000,
      maxDelayMs: options.workerRestart?.maxDelayMs ?? 30_000,
    },
    maxBodyBytes: options.maxBodyBytes ?? 20 * 1024 * 1024,
    maxBodyBytesInFlight:
      options.maxBodyBytesInFlight ??
      Math.max(256 * 1024 * 1024, options.maxBodyBytes ?? 20 * 1024 * 1024),
    bodyReadTimeoutMs: options.bodyReadTimeoutMs ?? 30_000,
    shutdownGraceMs: options.shutdownGraceMs ?? 30_000,
    logLevel: options.logLevel ?? (process.env.LOG_LEVEL as LogLevel | undefined) ?? "info",
    logger: options.logger,
    docs: options.docs ?? true,
    ui: options.ui ?? true,
    handleSignals: options.handleSignals ?? true,
    metrics: options.metrics ?? true,
    exposeSetupDetails: options.exposeSetupDetails ?? true,
    cors: options.cors ?? corsFromEnvironment(),
    apiKeys: options.apiKeys ?? listFromEnvironment("SERVEKIT_API_KEYS"),
    publicPaths: options.publicPaths ?? ["/health", "/docs", "/ui", "/openapi.json"],
    rateLimit: options.rateLimit,
    journalDir: options.journalDir ?? (process.env.SERVEKIT_JOURNAL_DIR || undefined),
    predictionRetentionMs: options.predictionRetentionMs ?? 3_600_000,
    maxRetainedPredictions: options.maxRetainedPredictions ?? 1_000,
    asyncRetainedInputBytes: options.asyncRetainedInputBytes ?? 256 * 1024 * 1024,
    webhookAllowHosts: options.webhookAllowHosts ?? [],
    webhookDenyHosts: options.webhookDenyHosts ?? [],
    webhookRetry: {
      attempts: options.webhookRetry?.attempts ?? 5,
      initialDelayMs: options.webhookRetry?.initialDelayMs ?? 500,
      maxDelayMs: options.webhookRetry?.maxDelayMs ?? 30_000,
      timeoutMs: options.webhookRetry?.timeoutMs ?? 10_000,
    },
  };
  const problems = [
    check(
      Number.isInteger(resolved.port) && resolved.port >= 0 && resolved.port <= 65535,
      `\`port\` must be 0–65535, got ${resolved.port}`,
    ),
    check(
      Number.isInteger(workers) && workers >= 0,
      `\`workers\` must be 0 (inline), a whole number or "auto", got ${options.workers}`,
    ),
    check(
      isPositiveInt(processes),
      `\`processes\` must be a whole number ≥ 1 or "auto", got ${options.processes}`,
    ),
    check(
      processes === 1 || resolved.journalDir === undefined,
      `\`journalDir\` takes one process per directory; unset it (or SERVEKIT_JOURNAL_DIR) or set \`processes\` to 1, got ${processes} processes`,
    ),
    check(
      isPositiveInt(resolved.maxConcurrency),
      `\`maxConcurrency\` must be a whole number ≥ 1, got ${resolved.maxConcurrency}`,
    ),
    check(
      Number.isInteger(resolved.maxQueue) && resolved.maxQueue >= 0,
      `\`maxQueue\` must be a whole number ≥ 0, got ${resolved.maxQueue}`,
    ),
    check(
      resolved.queueTimeoutMs > 0,
      `\`queueTimeoutMs\` must be > 0, got ${resolved.queueTimeoutMs}`,
    ),
    check(
      resolved.predictTimeoutMs > 0,
      `\`predictTimeoutMs\` must be > 0, got ${resolved.predictTimeoutMs}`,
    ),
    check(resolved.abortGraceMs >= 0, `\`abortGraceMs\` must be ≥ 0, got ${resolved.abortGraceMs}`),
    check(
      Number.isInteger(resolved.workerOldSpaceMb) && resolved.workerOldSpaceMb >= 0,
      `\`workerOldSpaceMb\` must be a whole number of MiB ≥ 0, got ${resolved.workerOldSpaceMb}`,
    ),
    check(
      Number.isInteger(resolved.workerMaxOldSpaceMb) && resolved.workerMaxOldSpaceMb >= 0,
      `\`workerMaxOldSpaceMb\` must be a whole number of MiB ≥ 0 (0: V8's default), got ${resolved.workerMaxOldSpaceMb}`,
    ),
    check(
      isPositiveInt(resolved.workerRestart.attempts),
      `\`workerRestart.attempts\` must be a whole number ≥ 1, got ${resolved.workerRestart.attempts}`,
    ),
    check(
      resolved.workerRestart.initialDelayMs >= 0 &&
        resolved.workerRestart.maxDelayMs >= resolved.workerRestart.initialDelayMs,
      `\`workerRestart\` delays must satisfy 0 ≤ initialDelayMs ≤ maxDelayMs, got ${resolved.workerRestart.initialDelayMs} and ${resolved.workerRestart.maxDelayMs}`,
    ),
    check(
      isPositiveInt(resolved.maxBodyBytes),
      `\`maxBodyBytes\` must be a whole number of bytes ≥ 1, got ${resolved.maxBodyBytes}`,
    ),
    check(
      isPositiveInt(resolved.maxBodyBytesInFlight) &&
        resolved.maxBodyBytesInFlight >= resolved.maxBodyBytes,
      `\`maxBodyBytesInFlight\` must be a whole number of bytes ≥ \`maxBodyBytes\` (${resolved.maxBodyBytes}), got ${resolved.maxBodyBytesInFlight}`,
    ),
    check(
      resolved.bodyReadTimeoutMs > 0,
      `\`bodyReadTimeoutMs\` must be > 0, got ${resolved.bodyReadTimeoutMs}`,
    ),
    check(
      resolved.shutdownGraceMs >= 0,
      `\`shutdownGraceMs\` must be ≥ 0, got ${resolved.shutdownGraceMs}`,
    ),
    check(
      resolved.rateLimit === undefined || resolved.rateLimit.requestsPerMinute > 0,
      `\`rateLimit.requestsPerMinute\` must be > 0, got ${resolved.rateLimit?.requestsPerMinute}`,
    ),
    check(
      resolved.predictionRetentionMs >= 0,
      `\`predictionRetentionMs\` must be ≥ 0, got ${resolved.predictionRetentionMs}`,
    ),
    check(
      Number.isInteger(resolved.maxRetainedPredictions) && resolved.maxRetainedPredictions >= 0,
      `\`maxRetainedPredictions\` must be a whole number ≥ 0, got ${resolved.maxRetainedPredictions}`,
    ),
    check(
      isPositiveInt(resolved.asyncRetainedInputBytes),
      `\`asyncRetainedInputBytes\` must be a whole number of bytes ≥ 1, got ${resolved.asyncRetainedInputBytes}`,
    ),
    ...[...resolved.webhookAllowHosts, ...resolved.webhookDenyHosts].map((host) =>
      check(
        isHostPattern(host),
        `\`webhookAllowHosts\`/\`webhookDenyHosts\` take host names, addresses or CIDR ranges (e.g. "hooks.example.com", "*.example.com", "10.0.0.0/8"), got "${host}"`,
      ),
    ),
    check(
      isPositiveInt(resolved.webhookRetry.attempts),
      `\`webhookRetry.attempts\` must be a whole number ≥ 1, got ${resolved.webhookRetry.attempts}`,
    ),
    check(
      resolved.webhookRetry.initialDelayMs >= 0 &&
        resolved.webhookRetry.maxDelayMs >= resolved.webhookRetry.initialDelayMs,
      `\`webhookRetry\` delays must satisfy 0 ≤ initialDelayMs ≤ maxDelayMs, got ${resolved.webhookRetry.initialDelayMs} and ${resolved.webhookRetry.maxDelayMs}`,
    ),
    check(
      resolved.webhookRetry.timeoutMs > 0,
      `\`webhookRetry.timeoutMs\` must be > 0, got ${resolved.webhookRetry.timeoutMs}`,
    ),
  ].filter((p): p is string => p !== undefined);
  if (problems.length > 0)
    throw new TypeError(`invalid serve options:\n- ${problems.join("\n- ")}`);
  return resolved;
}

/** `SERVEKIT_CORS_ORIGIN` (comma-separated origins, or "*"), for containers configured by environment. */
function corsFromEnvironment(): ResolvedServeOptions["cors"] {
  const origins =
    process.env.SERVEKIT_CORS_ORIGIN?.split(",")
      .map((o) => o.trim())
      .filter(Boolean) ?? [];
  if (origins.length === 0) return false;
  return origins.includes("*") ? true : { origin: origins };
}

function listFromEnvironment(name: string): string[] {
  return (
    process.env[name]
      ?.split(",")
      .map((v) => v.trim())
      .filter(Boolean) ?? []
  );
}

function check(ok: boolean, problem: string): string | undefined {
  return ok ? undefined : problem;
}

function isPositiveInt(value: number): boolean {
  return Number.isInteger(value) && value >= 1;
}

/** A host name (`a.example.com`, `*.example.com`), an IP address, or a CIDR range. */
function isHostPattern(host: string): boolean {
  const [address = "", prefix, extra] = host.split("/");
  const family = isIP(address);
  if (family !== 0 && extra === undefined) {
    if (prefix === undefined) return true;
    const bits = Number(prefix);
    return /^\d+$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
  }
  return (
    prefix === undefined &&
    /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/i.test(host)
  );
}
