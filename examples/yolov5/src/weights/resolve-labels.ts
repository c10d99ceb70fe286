import { LABELS_FILE } from "./known-weights.js";
import { type ResolvedWeights, resolveWeightsFile } from "./resolve-weights-file.js";
import type { WeightsOptions } from "./weights-options.js";

/**
 * Finds `coco.names`, the class names, the same way as the model files.
 *
 * @example
 * const labels = await loadLabels((await resolveLabels()).path);
 */
export function resolveLabels(options: WeightsOptions = {}): Promise<ResolvedWeights> {
  return resolveWeightsFile(LABELS_FILE, options);
}
