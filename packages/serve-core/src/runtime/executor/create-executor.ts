import { ServeError } from "../../errors.js";
import type { Logger } from "../../logger.js";
import type { PredictorMetrics } from "../../metrics/predictor-metrics.js";
import type { ResolvedServeOptions } from "../../options.js";
import type { AnyPredictor } from "../../predictor.js";
import { projectRootOf, resolveWeightsSettings } from "../../weights/weights-settings.js";
import type { Executor } from "./executor.js";
import { InlineExecutor } from "./inline-executor.js";
import { PredictorHost } from "./predictor-host.js";
import { WorkerPool } from "./worker-pool.js";

export interface ExecutorDeps {
  predictor: AnyPredictor;
  options: ResolvedServeOptions;
  log: Logger;
  /** `ctx.metrics`: used inline, and replaying what pool workers forward. */
  predictorMetrics: PredictorMetrics;
}

/** The executor the options ask for: inline when `workers` is 0, else a worker pool. */
export function createExecutor({
  predictor,
  options,
  log,
  predictorMetrics,
}: ExecutorDeps): Executor {
  const moduleUrl = options.predictorModule ?? predictor.moduleUrl;
  const projectRoot = moduleUrl === undefined ? undefined : projectRootOf(moduleUrl);
  const weights = resolveWeightsSettings({ projectRoot, weightsDir: options.weightsDir });
  if (options.workers === 0) {
    const host = new PredictorHost({
      predictor,
      log,
      workerIndex: 0,
      metrics: predictorMetrics,
      weights,
      projectRoot,
    });
    return new InlineExecutor(host, options.maxConcurrency);
  }
  if (!moduleUrl) {
    throw new ServeError(
      "INTERNAL",
      `workers: ${options.workers} needs the module that exports predictor "${predictor.name}"; pass predictorModule: import.meta.url`,
    );
  }
  return new WorkerPool({
    moduleUrl,
    predictorName: predictor.name,
    predictorVersion: predictor.version,
    size: options.workers,
    log,
    logLevel: options.logLevel,
    abortGraceMs: options.abortGraceMs,
    oldSpaceMb: options.workerOldSpaceMb,
    maxOldSpaceMb: options.workerMaxOldSpaceMb,
    restart: options.workerRestart,
    predictorMetrics,
    weights,
    projectRoot,
  });
}
