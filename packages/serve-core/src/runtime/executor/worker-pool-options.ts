import type { Logger, LogLevel } from "../../logger.js";
import type { PredictorMetrics } from "../../metrics/predictor-metrics.js";
import type { WeightsSettings } from "../../weights/weights-settings.js";
import type { WorkerRestartPolicy } from "./restart-backoff.js";

export interface WorkerPoolOptions {
  /** URL of the module that exports the predictor. */
  moduleUrl: string;
  predictorName: string;
  predictorVersion: string;
  /** Number of worker threads; each runs one prediction at a time. */
  size: number;
  log: Logger;
  logLevel: LogLevel;
  /** How long a worker may ignore an abort before it is terminated and replaced. */
  abortGraceMs: number;
  /** See `setWorkerOldSpaceFloor`; 0 leaves the workers the command line's size, or V8's default. */
  oldSpaceMb: number;
  /** Each worker's heap limit (`resourceLimits.maxOldGenerationSizeMb`); 0 leaves V8's default. @default 0 */
  maxOldSpaceMb?: number;
  /** Retries of a crashed worker's replacement. @default { attempts: 5, initialDelayMs: 1_000, maxDelayMs: 30_000 } */
  restart?: WorkerRestartPolicy;
  /** Replays the `ctx.metrics` calls workers forward. */
  predictorMetrics: PredictorMetrics;
  /** Where `ctx.weights` looks for files. */
  weights: WeightsSettings;
  /** The predictor project's root (its `weights.lock`). */
  projectRoot: string | undefined;
}
