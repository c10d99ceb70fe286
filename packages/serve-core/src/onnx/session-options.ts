import { availableParallelism } from "node:os";
import { isMainThread } from "node:worker_threads";
import type { InferenceSession } from "onnxruntime-node";
import type { PredictorLogger } from "../logger.js";

/** Options of {@link loadSession}. */
export interface LoadSessionOptions {
  /**
   * Execution providers in order of preference, e.g. `["cuda", "cpu"]`. When the
   * session cannot be created with them (provider library missing, no device), it
   * is created again on the CPU alone and the fallback is logged.
   * @default ["cpu"]
   */
  executionProviders?: readonly InferenceSession.ExecutionProviderConfig[];
  /**
   * Threads one operator may use. Workers of a pool share the machine, so each
   * gets one; on the main thread a session may use every core.
   * @default 1 inside a worker thread, else `os.availableParallelism()`
   */
  intraOpNumThreads?: number;
  /**
   * Threads running independent operators in parallel (only with `executionMode: "parallel"`).
   * @default 1
   */
  interOpNumThreads?: number;
  /**
   * Graph optimisations applied when the session is created.
   * @default "all"
   */
  graphOptimizationLevel?: InferenceSession.SessionOptions["graphOptimizationLevel"];
  /**
   * Whether operators run one after another or may run concurrently.
   * @default "sequential"
   */
  executionMode?: InferenceSession.SessionOptions["executionMode"];
  /**
   * Any other onnxruntime session option, applied last (overrides the above
   * and the memory pattern, off by default: `{ enableMemPattern: true }`).
   * @default {}
   */
  sessionOptions?: InferenceSession.SessionOptions;
  /**
   * Where a provider fallback is reported.
   * @default no logging
   */
  log?: Pick<PredictorLogger, "warn">;
}

/**
 * The onnxruntime `SessionOptions` that {@link loadSession} uses for `options`,
 * with every default filled in.
 *
 * @example
 * resolveSessionOptions({ executionProviders: ["cuda", "cpu"] });
 * // { executionProviders: ["cuda", "cpu"], intraOpNumThreads: 2, interOpNumThreads: 1,
 * //   graphOptimizationLevel: "all", executionMode: "sequential", enableMemPattern: false }
 */
export function resolveSessionOptions(
  options: LoadSessionOptions = {},
): InferenceSession.SessionOptions {
  const intraOpNumThreads =
    options.intraOpNumThreads ?? (isMainThread ? availableParallelism() : 1);
  const interOpNumThreads = options.interOpNumThreads ?? 1;
  for (const [name, value] of [
    ["intraOpNumThreads", intraOpNumThreads],
    ["interOpNumThreads", interOpNumThreads],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(`${name} must be a positive integer, got ${value}`);
    }
  }
  const executionProviders = options.executionProviders ?? ["cpu"];
  if (executionProviders.length === 0) {
    throw new RangeError('executionProviders must name at least one provider, e.g. ["cpu"]');
  }
  return {
    executionProviders,
    intraOpNumThreads,
    interOpNumThreads,
    graphOptimizationLevel: options.graphOptimizationLevel ?? "all",
    executionMode: options.executionMode ?? "sequential",
    // The memory pattern plans one block for a run's intermediate tensors and
    // keeps it on top of the arena: ~20 MiB more per YOLOv5n session for no
    // speed we could measure (docs/production.md#memory).
    enableMemPattern: false,
    ...options.sessionOptions,
  };
}
