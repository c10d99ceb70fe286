import {
  locateWeights,
  projectRootOf,
  resolveWeightsSettings,
  type WeightsFile,
  type WeightsSettings,
} from "@servekit/core";

/** The YOLOv5 variants this example can serve. */
export const MODEL_NAMES = ["yolov5n", "yolov5n-fp16"] as const;

/** A YOLOv5 variant: `yolov5n` (float32 input/output) or `yolov5n-fp16` (float16 input/output). */
export type ModelName = (typeof MODEL_NAMES)[number];

const RELEASE = "https://github.com/ultralytics/yolov5/releases/download/v7.0/";

/**
 * Each variant's ONNX file, as the predictor declares it in `weights`: the
 * Ultralytics YOLOv5 v7.0 release assets the example was built and tested
 * against. Core finds or downloads them (docs/weights.md).
 *
 * @example
 * definePredictor({ …, weights: { yolov5n: MODEL_WEIGHTS.yolov5n }, async setup(ctx) { await ctx.weights.path("yolov5n"); } });
 */
export const MODEL_WEIGHTS: Readonly<Record<ModelName, WeightsFile>> = {
  yolov5n: {
    url: `${RELEASE}yolov5n.onnx`,
    sha256: "01203d4258fb2dcf7d7cc138d5a9271bcff65a5304644543c7ec829050736300",
    size: 3_963_249,
    file: "yolov5n.onnx",
  },
  "yolov5n-fp16": {
    url: `${RELEASE}yolov5n-fp16.onnx`,
    sha256: "04f0e55c26f58d17145b36045780fe1250d5bd2187543e11568e5141d05b3262",
    size: 3_981_910,
    file: "yolov5n-fp16.onnx",
  },
};

/**
 * The `weights` declaration of a predictor that loads `models`.
 *
 * @example
 * weightsOf(["yolov5n"]); // { yolov5n: MODEL_WEIGHTS.yolov5n }
 */
export function weightsOf(models: readonly ModelName[]): Record<string, WeightsFile> {
  return Object.fromEntries(models.map((name) => [name, MODEL_WEIGHTS[name]]));
}

/**
 * The models whose files are already local (SERVEKIT_WEIGHTS_DIR, the
 * example's `weights/` folder, or the cache), in `MODEL_NAMES` order,
 * without downloading. The predictor builds its `model` enum from it.
 *
 * @example
 * const models = await availableModels(); // ["yolov5n", "yolov5n-fp16"]
 */
export async function availableModels(
  settings: WeightsSettings = resolveWeightsSettings(exampleRoot()),
): Promise<ModelName[]> {
  const found = await Promise.all(
    MODEL_NAMES.map((name) =>
      locateWeights(name, MODEL_WEIGHTS[name], settings).then(
        (where) => where.source !== "missing",
        // A local copy of the wrong size counts as there: setup then says what is wrong with it.
        () => true,
      ),
    ),
  );
  return MODEL_NAMES.filter((_, i) => found[i]);
}

function exampleRoot(): { projectRoot?: string } {
  const projectRoot = projectRootOf(import.meta.url);
  return projectRoot === undefined ? {} : { projectRoot };
}
