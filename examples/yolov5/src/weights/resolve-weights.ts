import { type ModelName, modelFileName } from "./known-weights.js";
import { type ResolvedWeights, resolveWeightsFile } from "./resolve-weights-file.js";
import type { WeightsOptions } from "./weights-options.js";

/**
 * Finds a model's ONNX file, downloading and verifying it when no local copy
 * exists (see `resolveWeightsFile` for the search order).
 *
 * @example
 * const { path } = await resolveWeights("yolov5n");
 * const session = await ort.InferenceSession.create(path);
 */
export function resolveWeights(
  name: ModelName,
  options: WeightsOptions = {},
): Promise<ResolvedWeights> {
  return resolveWeightsFile(modelFileName(name), options);
}
