// Where the benchmarks find the YOLOv5 weights: the folder SERVEKIT_WEIGHTS_DIR
// names, else the team's shared copies (the bench machines have no internet).
import { createWeights, resolveWeightsSettings } from "@servekit/core";
import { MODEL_WEIGHTS, type ModelName } from "@servekit/example-yolov5/weights";
import { sharedPath } from "@servekit/test-kit";

/**
 * The `weightsDir` option for a server the bench starts in-process:
 * undefined when SERVEKIT_WEIGHTS_DIR is set (the server reads it then).
 *
 * @example
 * await serve(predictor, { workers: 2, weightsDir: benchWeightsDir() });
 */
export function benchWeightsDir(): string | undefined {
  return process.env.SERVEKIT_WEIGHTS_DIR ? undefined : sharedPath("models");
}

/**
 * The local path of one model's ONNX file, found as the server would find it.
 *
 * @example
 * const session = await loadSession(await modelPath("yolov5n"));
 */
export function modelPath(name: ModelName): Promise<string> {
  const weightsDir = benchWeightsDir();
  const weights = createWeights({
    declarations: { [name]: MODEL_WEIGHTS[name] },
    settings: resolveWeightsSettings(weightsDir ? { weightsDir } : {}),
  });
  return weights.path(name);
}
