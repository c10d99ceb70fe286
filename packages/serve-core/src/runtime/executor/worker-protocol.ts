import type { ErrorCode } from "../../errors.js";
import { ServeError } from "../../errors.js";
import type { LogLevel } from "../../logger.js";
import type { MetricCall } from "../../metrics/predictor-metrics.js";
import type { WeightsSettings } from "../../weights/weights-settings.js";
import type { JobRequest } from "./executor.js";
import type { POOL_WORKER_MARK } from "./pool-worker-context.js";
import type { SetupReport } from "./setup-report.js";

/** What a pool worker is started with (`workerData`). */
export interface WorkerBoot {
  /** Always true; see `inPoolWorker`. */
  [POOL_WORKER_MARK]: true;
  moduleUrl: string;
  predictorName: string;
  /** With several versions of one name exported, the one to serve. */
  predictorVersion: string;
  workerIndex: number;
  logLevel: LogLevel;
  /** Where `ctx.weights` looks for and downloads files, resolved once in the main thread. */
  weights: WeightsSettings;
  /** The predictor project's root, whose `weights.lock` setup checks. */
  projectRoot: string | undefined;
}

/** Messages from the pool to a worker. */
export type ToWorker =
  | {
      type: "run";
      id: number;
      input: unknown;
      requestId: string;
      batch?: boolean;
      stream?: boolean;
      /** The parent of the worker's `predict` span, when tracing is on. */
      traceparent?: string;
      request?: JobRequest;
      requests?: JobRequest[];
    }
  | { type: "abort"; id: number }
  // Sends the spans the worker's tracer still holds, before the pool terminates it.
  | { type: "flush-traces" };

/** Messages from a worker to the pool. */
export type FromWorker =
  | { type: "setup"; report: SetupReport }
  // A line setup logged, sent as it is written so /health shows progress (downloads) while setup runs.
  | { type: "setup-log"; line: string }
  | { type: "chunk"; id: number; chunk: unknown }
  | { type: "traces-flushed" }
  | { type: "result"; id: number; output: unknown; logs: string }
  | { type: "failure"; id: number; error: WireError; logs: string }
  // A predictor's ctx.metrics call, recorded in the main thread's registry.
  | { type: "metric"; call: MetricCall };

/** An error that crossed the thread boundary: a ServeError's fields, or an opaque failure. */
export interface WireError {
  code: ErrorCode | null;
  message: string;
  details?: unknown;
  stack?: string;
}

export function toWireError(error: unknown): WireError {
  if (error instanceof ServeError) {
    return { code: error.code, message: error.message, details: error.details };
  }
  const e = error instanceof Error ? error : new Error(String(error));
  return { code: null, message: e.message, ...(e.stack ? { stack: e.stack } : {}) };
}

/** Re-creates a thrown error on the pool side: ServeErrors keep their code. */
export function fromWireError(wire: WireError): Error {
  if (wire.code) return new ServeError(wire.code, wire.message, { details: wire.details });
  const error = new Error(wire.message);
  if (wire.stack) error.stack = wire.stack;
  return error;
}

/** A batch's output about to cross to the pool: each item's error as a {@link WireError}. */
export function toWireBatch(output: unknown): unknown {
  if (!Array.isArray(output)) return output;
  return output.map((item: { error?: unknown }) =>
    item?.error instanceof Error ? { error: toWireError(item.error) } : item,
  );
}

/** A batch's output back from a worker: each item's {@link WireError} an error again. */
export function fromWireBatch(output: unknown): unknown {
  if (!Array.isArray(output)) return output;
  return output.map((item: { error?: WireError }) =>
    item?.error === undefined ? item : { error: fromWireError(item.error) },
  );
}

/**
 * The ArrayBuffers inside `value` that can be moved rather than copied:
 * owned by one typed array and larger than Node's shared Buffer pool slab
 * (pooled slabs are shared by many small Buffers and must not be moved).
 */
export function transferables(value: unknown, found: ArrayBuffer[] = [], depth = 0): ArrayBuffer[] {
  if (depth > 8 || value === null || typeof value !== "object") return found;
  if (ArrayBuffer.isView(value)) {
    const buffer = value.buffer;
    if (buffer instanceof ArrayBuffer && buffer.byteLength > 8192 && !found.includes(buffer)) {
      found.push(buffer);
    }
    return found;
  }
  if (Array.isArray(value)) {
    // Arrays of plain numbers or strings hold no buffers; don't walk them.
    if (value.length > 0 && typeof value[0] !== "object") return found;
    for (const item of value) transferables(item, found, depth + 1);
    return found;
  }
  for (const item of Object.values(value)) transferables(item, found, depth + 1);
  return found;
}
