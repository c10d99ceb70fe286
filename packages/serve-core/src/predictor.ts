import type { z } from "zod";
import type { PredictorLogger } from "./logger.js";
import type { PredictorMetrics } from "./metrics/predictor-metrics.js";
import {
  checkWeightsDeclarations,
  type WeightsDeclarations,
} from "./weights/weights-declaration.js";
import type { Weights } from "./weights/weights-resolver.js";

/** What `setup` receives. */
export interface SetupContext {
  /** Structured logger; lines written during setup also appear in `/health` as `setup.logs`. */
  log: PredictorLogger;
  /** Aborted when the server shuts down while setup is still running. */
  signal: AbortSignal;
  /** 0-based index of the worker thread running this setup (0 when inline). */
  workerIndex: number;
  /** The predictor's own counters and histograms, on `GET /metrics` (docs/metrics.md). */
  metrics: PredictorMetrics;
  /**
   * The files declared in `weights`: `await ctx.weights.path("model")` finds
   * one locally or downloads it (progress in the setup logs). docs/weights.md
   */
  weights: Weights;
}

/** What `predict` receives besides its input. */
export interface PredictContext<State> {
  /** Whatever `setup` returned. */
  state: State;
  /** Structured logger; lines also appear in the `logs` of `/predictions` responses. */
  log: PredictorLogger;
  /** Aborted when the prediction times out, is cancelled, or its client goes away. */
  signal: AbortSignal;
  /** The request id (from `X-Request-Id` or generated). */
  requestId: string;
  /**
   * Who asked: request id, model, version, deadline and the headers named by
   * the `requestHeaders` option. In `predictBatch`, the batch's own (its id,
   * the earliest deadline, no headers); each input's is in `requests`.
   */
  request: PredictRequest;
  /** In `predictBatch` only: one {@link PredictRequest} per input, in the inputs' order. */
  requests?: PredictRequest[];
  /** The predictor's own counters and histograms, on `GET /metrics` (docs/metrics.md). */
  metrics: PredictorMetrics;
}

/** The request a prediction answers, as `predict` sees it in `ctx.request`. */
export interface PredictRequest {
  /** The request id (from `X-Request-Id` or generated); the same as `ctx.requestId`. */
  id: string;
  /** The predictor's name. */
  model: string;
  /** The predictor's version. */
  version: string;
  /** When the prediction times out (`predictTimeoutMs` after it started running). */
  deadline?: Date;
  /** Request headers named by the `requestHeaders` option, by lower-cased name; `{}` by default. */
  headers: Record<string, string>;
}

/** How the `/ui` playground shows a predictor's output. */
export interface PredictorUiHints {
  /**
   * `"detections"` draws `output.detections` (label, confidence, box x1/y1/x2/y2)
   * over the input image with a confidence filter; `"json"` shows the JSON only.
   * @default detections when the output has that shape, else json
   */
  renderer?: "json" | "detections";
  /** Input field holding the image the detections refer to. @default the first image() field */
  image?: string;
}

/** One number taken from each output, recorded as a histogram (see `outputMetrics`). */
export interface OutputMetric<Output> {
  value: (output: Output) => number | undefined;
  help?: string;
  /** Histogram buckets. @default 0.1 … 1, 2, 5, 10, 25, 50, 100 */
  buckets?: number[];
}

/** The object a user passes to {@link definePredictor}. */
export interface PredictorDefinition<
  Input extends z.ZodType,
  Output extends z.ZodType,
  State = undefined,
> {
  /** Short machine name, e.g. `"yolov5"`: used in logs, the OpenAPI title and metrics. */
  name: string;
  /** Version shown in `GET /` and the OpenAPI document. @default "0.0.0" */
  version?: string;
  /** One paragraph shown in the docs. */
  description?: string;
  /** Zod schema of the input; the single source of truth for validation and docs. */
  input: Input;
  /** Zod schema of the output; outputs are checked against it. */
  output: Output;
  /** Hints for the `/ui` playground, published in the OpenAPI document as `info["x-servekit-ui"]`. */
  ui?: PredictorUiHints;
  /** Example inputs, shown in the OpenAPI document. */
  examples?: z.input<Input>[];
  /**
   * Files the predictor needs, by name: `{ model: { url, sha256, size? } }`.
   * `setup` gets each with `await ctx.weights.path("model")`: from
   * `weightsDir`, the project's `weights/` folder or the cache, else
   * downloaded, resumed and checked against `sha256` (docs/weights.md).
   */
  weights?: WeightsDeclarations;
  /** Runs once per worker before the server reports READY; returns the state `predict` gets. */
  setup?: (ctx: SetupContext) => Promise<State> | State;
  /**
   * Dynamic batching: requests arriving together are grouped, up to
   * `maxSize` or `maxWaitMs` after the first, into one `predictBatch` call.
   */
  batch?: { maxSize: number; maxWaitMs: number };
  /**
   * Turns a batch of inputs into one result per input, in order; return an
   * `Error` in an input's place to fail only that input. Used when `batch` is set.
   */
  predictBatch?: (
    inputs: z.output<Input>[],
    ctx: PredictContext<State>,
  ) => Promise<(z.input<Output> | Error)[]> | (z.input<Output> | Error)[];
  /**
   * `predict` returns an AsyncIterable (e.g. an `async function*`) of outputs,
   * each matching `output`: clients that accept `text/event-stream` or
   * `application/x-ndjson` get them as they come, others a JSON array.
   * @default false
   */
  stream?: boolean;
  /**
   * Numbers to take from each output, recorded per model-version as the
   * histogram `servekit_output_<name>` (e.g. detections per image, top
   * confidence), so a canary's outputs can be compared with the primary's.
   * A value of `undefined` is not recorded. Names: lowercase letters, digits, `_`.
   */
  outputMetrics?: Record<string, OutputMetric<NoInfer<z.output<Output>>>>;
  /**
   * What "agree" means when this version runs in shadow: compares the
   * answer's output with this version's. Return false (or `{ agree: false,
   * difference }`) to count a disagreement and log the difference.
   * @default the two outputs' JSON is equal
   */
  compare?: (
    answer: NoInfer<z.output<Output>>,
    candidate: NoInfer<z.output<Output>>,
  ) => boolean | { agree: boolean; difference?: unknown };
  /** Turns one validated input into one output. */
  predict: (
    input: z.output<Input>,
    ctx: PredictContext<State>,
  ) => Promise<z.input<Output>> | z.input<Output> | AsyncIterable<z.input<Output>>;
}

const PREDICTOR_BRAND = Symbol.for("servekit.predictor");

/** A predictor ready to serve: the definition plus where it was defined. */
export interface Predictor<
  Input extends z.ZodType = z.ZodType,
  Output extends z.ZodType = z.ZodType,
  State = unknown,
> extends PredictorDefinition<Input, Output, State> {
  readonly version: string;
  /**
   * URL of the module that defined this predictor, found from the call stack
   * of `definePredictor`; worker threads import it to get their own copy.
   */
  readonly moduleUrl: string | undefined;
  readonly [PREDICTOR_BRAND]: true;
}

/** Any predictor, whatever its schemas and state. */
// biome-ignore lint/suspicious/noExplicitAny: a predictor of any state must be assignable here.
export type AnyPredictor = Predictor<z.ZodType, z.ZodType, any>;

/**
 * Declares a predictor: typed input and output schemas, a one-time `setup`
 * and a `predict` function.
 *
 * @example
 * export const predictor = definePredictor({
 *   name: "echo",
 *   input: z.object({ text: z.string() }),
 *   output: z.object({ text: z.string() }),
 *   predict: ({ text }) => ({ text }),
 * });
 */
export function definePredictor<
  Input extends z.ZodType,
  Output extends z.ZodType,
  State = undefined,
>(definition: PredictorDefinition<Input, Output, State>): Predictor<Input, Output, State> {
  validateDefinition(definition);
  return {
    ...definition,
    ...(definition.weights === undefined
      ? {}
      : { weights: checkWeightsDeclarations(definition.weights, definition.name) }),
    version: definition.version ?? "0.0.0",
    moduleUrl: callerModuleUrl(),
    [PREDICTOR_BRAND]: true,
  };
}

/** Whether `value` was made by {@link definePredictor}. */
export function isPredictor(value: unknown): value is AnyPredictor {
  return typeof value === "object" && value !== null && PREDICTOR_BRAND in value;
}

const NAME_PATTERN = /^[a-z0-9][a-z0-9._-]*$/i;
// Versions appear in paths (`/models/yolov5/versions/1.0.0+fp16/predict`) and metric labels.
const VERSION_PATTERN = /^[a-z0-9][a-z0-9._+-]*$/i;
const METRIC_NAME_PATTERN = /^[a-z_][a-z0-9_]*$/;

function validateDefinition(definition: {
  name: unknown;
  version?: unknown;
  outputMetrics?: Record<string, unknown>;
  predict: unknown;
  input: unknown;
  output: unknown;
  batch?: { maxSize: number; maxWaitMs: number };
  predictBatch?: unknown;
}): void {
  if (definition.batch) {
    const { maxSize, maxWaitMs } = definition.batch;
    if (typeof definition.predictBatch !== "function") {
      throw new TypeError(
        `predictor "${String(definition.name)}" sets \`batch\` and needs predictBatch(inputs, ctx)`,
      );
    }
    if (!Number.isInteger(maxSize) || maxSize < 1 || !(maxWaitMs >= 0)) {
      throw new TypeError(
        `predictor "${String(definition.name)}": batch needs maxSize ≥ 1 (whole) and maxWaitMs ≥ 0, got ${JSON.stringify(definition.batch)}`,
      );
    }
  }
  if (typeof definition.name !== "string" || !NAME_PATTERN.test(definition.name)) {
    throw new TypeError(
      `predictor name must be letters, digits, '.', '_' or '-', e.g. "yolov5"; got ${JSON.stringify(definition.name)}`,
    );
  }
  if (
    definition.version !== undefined &&
    (typeof definition.version !== "string" || !VERSION_PATTERN.test(definition.version))
  ) {
    throw new TypeError(
      `predictor "${definition.name}": version must be letters, digits, '.', '_', '+' or '-', e.g. "1.2.0" or "fp16"; got ${JSON.stringify(definition.version)}`,
    );
  }
  for (const name of Object.keys(definition.outputMetrics ?? {})) {
    if (!METRIC_NAME_PATTERN.test(name))
      throw new TypeError(
        `predictor "${definition.name}": outputMetrics names become metric names; use lowercase letters, digits and '_', e.g. "top_confidence"; got ${JSON.stringify(name)}`,
      );
  }
  if (typeof definition.predict !== "function") {
    throw new TypeError(`predictor "${definition.name}" needs a predict(input, ctx) function`);
  }
  for (const key of ["input", "output"] as const) {
    const schema = definition[key] as { safeParseAsync?: unknown } | undefined;
    if (typeof schema?.safeParseAsync !== "function") {
      throw new TypeError(
        `predictor "${definition.name}": \`${key}\` must be a zod schema, e.g. z.object({...})`,
      );
    }
  }
}

/** The file URL of the module that called definePredictor, read from a stack trace. */
function callerModuleUrl(): string | undefined {
  const stack = new Error().stack?.split("\n") ?? [];
  // [0] "Error", [1] callerModuleUrl, [2] definePredictor, [3] the user's module.
  const frame = stack[3];
  const match = frame?.match(/(file:\/\/[^\s)]+?|\/[^\s):]+?):\d+:\d+\)?\s*$/);
  if (!match?.[1]) return undefined;
  return match[1].startsWith("file://") ? match[1] : `file://${match[1]}`;
}
