import type { ServeOptions } from "./options.js";
import type { AnyPredictor } from "./predictor.js";
import type { ModelEntry } from "./runtime/models/model-types.js";
import { entryPredictor } from "./runtime/models/version-options.js";

/** A `serve()` call that a host took over instead of letting it listen. */
export interface TakenOverServeCall {
  /** The predictor served, or the first of several. */
  predictor: AnyPredictor;
  /** Every model-version of the call (`serve([a, b])`), the predictor alone for `serve(a)`. */
  models: readonly ModelEntry[];
  options: ServeOptions;
}

// On globalThis, not in this module: the host (serve-cli) and the user's module
// may load two copies of @servekit/core, and both must see the same recorder.
const RECORDER = Symbol.for("servekit.serveTakeover");

type Recorder = TakenOverServeCall[];

function activeRecorder(): Recorder | undefined {
  return (globalThis as { [RECORDER]?: Recorder })[RECORDER];
}

/**
 * Runs `load` (typically the import of a user's module) so that any `serve()`
 * it calls is recorded instead of listening: `serve-cli run main.ts` serves
 * once, with the options the module passed to `serve()` under its own flags,
 * where the module run by itself (`tsx main.ts`) would serve on its own.
 *
 * @example
 * const { value: module, calls } = await takeOverServeCalls(() => import(url));
 */
export async function takeOverServeCalls<T>(
  load: () => Promise<T>,
): Promise<{ value: T; calls: TakenOverServeCall[] }> {
  const calls: Recorder = [];
  const holder = globalThis as { [RECORDER]?: Recorder };
  const previous = holder[RECORDER];
  holder[RECORDER] = calls;
  try {
    return { value: await load(), calls };
  } finally {
    holder[RECORDER] = previous;
  }
}

/** Called by `serve()`: records the call and returns true while a host is taking calls over. */
export function recordTakenOverServe(
  models: readonly ModelEntry[],
  options: ServeOptions,
): boolean {
  const recorder = activeRecorder();
  if (!recorder) return false;
  recorder.push({ predictor: entryPredictor(models[0]!), models, options });
  return true;
}
