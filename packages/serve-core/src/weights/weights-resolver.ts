import type { PredictorLogger } from "../logger.js";
import type { WeightsDeclarations } from "./weights-declaration.js";
import { downloadWeights } from "./weights-download.js";
import { offlineError } from "./weights-error.js";
import { locateWeights } from "./weights-location.js";
import type { WeightsSettings } from "./weights-settings.js";
import type { DownloadTuning } from "./weights-transfer.js";

/**
 * A predictor's declared weights, as `ctx.weights` in `setup`.
 *
 * @example
 * async setup(ctx) {
 *   const session = await InferenceSession.create(await ctx.weights.path("model"));
 * }
 */
export interface Weights {
  /** Local path of a declared file: found, or downloaded into the cache. */
  path(name: string): Promise<string>;
  /** The declared names. */
  readonly names: readonly string[];
}

/**
 * Creates `ctx.weights` over checked declarations: `path(name)` looks in the
 * override folder, the project's weights folder and the cache, then
 * downloads into the cache (progress through `log.info`). Each name is
 * resolved once; a failed attempt may be retried.
 *
 * @example
 * const weights = createWeights({ declarations, settings: resolveWeightsSettings({ projectRoot }), log });
 * const modelPath = await weights.path("model");
 */
export function createWeights(options: {
  declarations: WeightsDeclarations;
  settings: WeightsSettings;
  log?: PredictorLogger;
  signal?: AbortSignal;
  tuning?: DownloadTuning;
}): Weights {
  const { declarations, settings, log, signal, tuning } = options;
  const names = Object.freeze(Object.keys(declarations));
  const pending = new Map<string, Promise<string>>();

  async function resolvePath(name: string): Promise<string> {
    const file = declarations[name];
    if (file === undefined || !Object.hasOwn(declarations, name)) {
      const declared = names.length > 0 ? names.map((n) => `"${n}"`).join(", ") : "none";
      throw new Error(
        `weights "${name}" is not declared; declared: ${declared}. Add it to the predictor's \`weights\` or fix the name`,
      );
    }
    const where = await locateWeights(name, file, settings);
    if (where.path !== undefined) {
      log?.debug(`weights "${name}": using ${where.path} (${where.source})`);
      return where.path;
    }
    if (settings.offline)
      throw offlineError({ name, fileName: where.fileName, searched: where.searched });
    return downloadWeights(name, file, settings, {
      ...(log ? { log } : {}),
      ...(signal ? { signal } : {}),
      ...(tuning ? { tuning } : {}),
    });
  }

  return {
    names,
    path(name) {
      let found = pending.get(name);
      if (found === undefined) {
        found = resolvePath(name);
        pending.set(name, found);
        found.catch(() => pending.delete(name));
      }
      return found;
    },
  };
}
