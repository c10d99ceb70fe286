import { z } from "zod";
import { asyncOptionsShape } from "./async-options-schema.js";
import { shown } from "./config-error.js";
import type { Logger, LogLevel } from "./logger.js";
import { modelOptionsShape } from "./model-options-schema.js";
import {
  atLeastZero,
  doc,
  flag,
  headerNames,
  keyList,
  mustBe,
  positive,
  wholeNumber,
} from "./option-schema-parts.js";
import { checkServeOptionRules, everyProblem } from "./serve-option-rules.js";
import { streamOptionsShape } from "./stream/stream-options-schema.js";

export type { ServeOptionMeta } from "./option-schema-parts.js";

// Every LogLevel, lowest first: the compiler checks that none is missing.
const LOG_LEVELS = Object.keys({
  trace: 1,
  debug: 1,
  info: 1,
  warn: 1,
  error: 1,
  fatal: 1,
  silent: 1,
} satisfies Record<LogLevel, 1>) as [LogLevel, ...LogLevel[]];
const workerRestartSchema = z.strictObject({
  attempts: doc(wholeNumber(1).default(5), {
    description: "Failed setups of one worker's replacements in a row before the pool gives up.",
  }),
  initialDelayMs: doc(atLeastZero().default(1_000), {
    description: "Wait before the second try.",
  }),
  maxDelayMs: doc(atLeastZero().default(30_000), { description: "Longest wait between tries." }),
});

/** Every server option: its type, rule, default and description. */
export const serveOptionsShape = {
  port: doc(z.number(mustBe("0–65535")).int().min(0).max(65535).default(8000), {
    description: "Port to listen on (only for `serve`); 0 picks a free one.",
    env: "PORT",
  }),
  host: doc(z.string(mustBe("an interface address")).min(1).default("0.0.0.0"), {
    description: "Interface to bind (only for `serve`).",
  }),
  workers: doc(
    z
      .union(
        [z.number(mustBe('0 (inline), a whole number or "auto"')).int().min(0), z.literal("auto")],
        mustBe('0 (inline), a whole number or "auto"'),
      )
      .default(0),
    {
      description:
        'Worker threads that run predictions: `0` runs them on the HTTP thread (fine for light or I/O-bound predictors), `"auto"` one per CPU core.',
    },
  ),
  processes: doc(
    z
      .union(
        [z.number(mustBe('a whole number ≥ 1 or "auto"')).int().min(1), z.literal("auto")],
        mustBe('a whole number ≥ 1 or "auto"'),
      )
      .default(1),
    {
      description:
        'HTTP processes sharing the port (`node:cluster`, only for `serve`): the process that calls `serve()` forks this many, restarts one that dies and stops them all on SIGTERM/SIGINT; `"auto"` one per CPU core. Each process has its own `workers` pool, so `processes × workers` threads run. Not with `journalDir`.',
    },
  ),
  predictorModule: doc(
    z
      .custom<string | URL>((v) => typeof v === "string" || v instanceof URL, {
        error: (issue) => `must be a module path or URL, got ${shown(issue.input)}`,
      })
      .optional(),
    {
      description:
        "Module that exports the predictor, for workers to import. Found automatically from where `definePredictor` was called; set it when that fails.",
      defaultText: "the module that called `definePredictor`",
    },
  ),
  maxConcurrency: doc(wholeNumber(1).optional(), {
    description: "Predictions running at once.",
    defaultText: "`workers`, or 1 inline",
  }),
  maxQueue: doc(wholeNumber(0).default(64), {
    description: "Predictions waiting for a slot before new ones get 503.",
  }),
  queueTimeoutMs: doc(positive().default(30_000), {
    description:
      "Longest a prediction waits in the queue for a slot before it gets 503 with Retry-After.",
  }),
  predictTimeoutMs: doc(positive().default(60_000), {
    description: "Time one prediction may run before it gets 504 and its signal aborts.",
  }),
  requestHeaders: doc(headerNames().default([]), {
    description:
      "Request headers `predict` sees in `ctx.request.headers` (names lower-cased); others are never passed.",
  }),
  abortGraceMs: doc(atLeastZero().default(5_000), {
    description: "How long a pool worker may ignore an abort before it is replaced.",
  }),
  workerOldSpaceMb: doc(wholeNumber(0, "a whole number of MiB ≥ 0").default(128), {
    description:
      "Old-generation size (MiB) below which a pool worker's V8 heap skips full garbage collections. Workers only; 0 leaves them the node command line's `--initial-old-space-size`, or V8's default.",
  }),
  workerMaxOldSpaceMb: doc(
    wholeNumber(0, "a whole number of MiB ≥ 0 (0: V8's default)").default(0),
    {
      description:
        "Heap limit (MiB of old generation) of each pool worker: a prediction that outgrows it ends its worker (the request gets 500, the worker is replaced), not the process. 0 leaves V8's default.",
    },
  ),
  workerRestart: doc(workerRestartSchema.prefault({}), {
    description:
      "Retries of a crashed pool worker whose replacement fails setup: delays double from `initialDelayMs` up to `maxDelayMs`; after `attempts` failures in a row `/health` says DEFUNCT and `/health/live` answers 503.",
  }),
  maxBodyBytes: doc(wholeNumber(1, "a whole number of bytes ≥ 1").default(20 * 1024 * 1024), {
    description: "Largest request body in bytes; larger gets 413.",
  }),
  maxBodyBytesInFlight: doc(wholeNumber(1, "a whole number of bytes ≥ 1").optional(), {
    description:
      "Bytes of all request bodies being received at once (a declared Content-Length counts before the body is read); a body that does not fit gets 503 with Retry-After.",
    defaultText: "256 MiB, or `maxBodyBytes` if larger",
  }),
  bodyReadTimeoutMs: doc(positive().default(30_000), {
    description:
      "Longest a request body may take to arrive; slower gets 408 and the connection closed.",
  }),
  shutdownGraceMs: doc(atLeastZero().default(30_000), {
    description: "On shutdown, how long to wait for running predictions.",
  }),
  logLevel: doc(z.enum(LOG_LEVELS, mustBe(`one of ${LOG_LEVELS.join(", ")}`)).default("info"), {
    description: "Log level of the JSON logs.",
    env: "LOG_LEVEL",
  }),
  logger: doc(
    z
      .custom<Logger>(
        (v) => typeof v === "object" && v !== null && typeof (v as Logger).info === "function",
        { error: () => "must be a pino logger" },
      )
      .optional(),
    {
      description: "A pino logger to use instead of the default one.",
      defaultText: "a pino logger at `logLevel`",
    },
  ),
  docs: doc(flag().default(true), { description: "Serve `/docs` (interactive API docs)." }),
  ui: doc(flag().default(true), {
    description: "Serve `/ui` (the playground generated from the input schema).",
  }),
  apiKeys: doc(keyList().default([]), {
    description:
      "API keys accepted as `Authorization: Bearer <key>` or `X-API-Key`; none means no authentication.",
    env: "SERVEKIT_API_KEYS",
  }),
  publicPaths: doc(
    z
      .array(
        z.string(mustBe('a path starting with "/", e.g. "/metrics"')).startsWith("/"),
        mustBe("a list of path prefixes"),
      )
      .default(["/health", "/docs", "/ui", "/openapi.json", "/v2/health"]),
    { description: 'Path prefixes open without a key and not rate limited (and "/").' },
  ),
  rateLimit: doc(
    z
      .strictObject(
        {
          requestsPerMinute: positive(),
          burst: wholeNumber(1).optional(),
        },
        mustBe("{ requestsPerMinute, burst? }"),
      )
      .optional(),
    {
      description: "Per-client limit (by API key, else address); over it, 429 with Retry-After.",
      defaultText: "none",
    },
  ),
  handleSignals: doc(flag().default(true), {
    description: "On SIGTERM/SIGINT, drain and exit 0 (only for `serve`).",
  }),
  metrics: doc(flag().default(true), {
    description:
      "Serve `GET /metrics` (Prometheus) and record the metrics behind it; it needs a key when `apiKeys` are set.",
  }),
  exposeSetupDetails: doc(flag().default(true), {
    description:
      "Show setup's log lines and error in `GET /health`; false shows only status and times.",
  }),
  cors: doc(
    z
      .union(
        [z.boolean(), z.object({ origin: z.union([z.string(), z.array(z.string())]) })],
        mustBe("true, false or { origin }"),
      )
      .default(false),
    {
      description:
        'Cross-origin requests: `true` allows any origin, `{ origin }` the given ones (comma-separated origins or "*" in the environment variable).',
      env: "SERVEKIT_CORS_ORIGIN",
    },
  ),
  weightsDir: doc(z.string(mustBe("a directory path")).min(1).optional(), {
    description:
      "Folder searched first for the files predictors declare in `weights` (by file name), before the project's `weights/` folder and the download cache; its files are used as they are (docs/weights.md).",
    env: "SERVEKIT_WEIGHTS_DIR",
    defaultText: "none",
  }),
  ...asyncOptionsShape,
  ...modelOptionsShape,
  ...streamOptionsShape,
};

/**
 * The server options of `serve()`, `createApp()` and `serve.config.ts`, each
 * with its rule, default and description (`.meta()`); unknown keys are
 * errors. {@link resolveServeOptions} parses with it and adds the values
 * derived from the environment and from other options.
 *
 * @example
 * serveOptionsSchema.shape.port.meta()?.description; // "Port to listen on …"
 * serveOptionsSchema.parse({ workers: 2 }).maxQueue; // 64
 */
export const serveOptionsSchema = z
  .strictObject(serveOptionsShape)
  .superRefine(checkServeOptionRules, everyProblem);

/** How a predictor is served (`serve()`, `createApp()`): every field is optional; see {@link serveOptionsSchema}. */
export type ServeOptions = z.input<typeof serveOptionsSchema>;

/** How a crashed pool worker's replacement is retried: delays double from `initialDelayMs` up to `maxDelayMs`. */
export type WorkerRestartOptions = z.input<typeof workerRestartSchema>;
