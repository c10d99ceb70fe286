import { MODEL_NAMES, type ModelName, modelFileName } from "./known-weights.js";
import { findLocalFile } from "./resolve-weights-file.js";
import { resolveLocations, type WeightsLocationOptions } from "./weights-options.js";

/**
 * The models present locally (YOLOV5_WEIGHTS_DIR, the example's weights
 * folder, the shared models folder, or the download cache), in
 * `MODEL_NAMES` order, without downloading anything. The predictor builds
 * its `model` input enum from it.
 *
 * @example
 * const models = await availableModels(); // ["yolov5n", "yolov5n-fp16"]
 * const model = z.enum(models.length > 0 ? models : ["yolov5n"]);
 */
export async function availableModels(options: WeightsLocationOptions = {}): Promise<ModelName[]> {
  const locations = resolveLocations(options);
  const found = await Promise.all(
    MODEL_NAMES.map(
      async (name) => (await findLocalFile(modelFileName(name), locations)) !== undefined,
    ),
  );
  return MODEL_NAMES.filter((_, i) => found[i]);
}
