import { join } from "node:path";
import type { PredictorLogger } from "../../logger.js";
import type { AnyPredictor } from "../../predictor.js";
import { WeightsError } from "../../weights/weights-error.js";
import { lockProblems, readWeightsLock, WEIGHTS_LOCK_FILE } from "../../weights/weights-lock.js";
import { createWeights, type Weights } from "../../weights/weights-resolver.js";
import type { WeightsSettings } from "../../weights/weights-settings.js";

export interface SetupWeightsOptions {
  predictor: AnyPredictor;
  weights: WeightsSettings;
  projectRoot: string | undefined;
  log: PredictorLogger;
  signal: AbortSignal;
}

/**
 * `ctx.weights` for one setup. When the project has a `weights.lock`, the
 * predictor's declarations must agree with it (as `npm ci` holds a lockfile
 * to package.json), so a changed URL or digest is noticed before serving.
 */
export function setupWeights(options: SetupWeightsOptions): Weights {
  const { predictor, projectRoot } = options;
  const declarations = predictor.weights ?? {};
  if (projectRoot !== undefined && Object.keys(declarations).length > 0) {
    const lock = readWeightsLock(projectRoot);
    const key = `${predictor.name}@${predictor.version}`;
    const problems = lock === undefined ? [] : lockProblems(key, declarations, lock);
    if (problems.length > 0) {
      throw new WeightsError(
        `${join(projectRoot, WEIGHTS_LOCK_FILE)} does not match the weights predictor "${key}" declares: ${problems.join("; ")}. Run \`serve-cli weights lock\` to update the lock file, or fix the declaration.`,
      );
    }
  }
  return createWeights({
    declarations,
    settings: options.weights,
    log: options.log,
    signal: options.signal,
  });
}
