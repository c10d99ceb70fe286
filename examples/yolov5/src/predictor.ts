import { definePredictor } from "@servekit/core";
import { compareDetections } from "./agreement.js";
import type { Detector } from "./detector.js";
import { defaultModel, inputSchema, outputSchema } from "./schemas.js";
import { availableModels, MODEL_NAMES, type ModelName, weightsOf } from "./weights.js";

// The `model` enum lists the weights found locally (SERVEKIT_WEIGHTS_DIR,
// weights/, the cache); with none found, all of them (setup then downloads
// what it needs, or finds it in the `weightsDir` option).
const found = await availableModels();
const MODELS = found.length > 0 ? found : [...MODEL_NAMES];

/** What tells one served YOLOv5 predictor from another. */
interface Yolov5Variant {
  version: string;
  description: string;
  /** The weights it declares and the `model` enum offers. */
  models: readonly ModelName[];
  /**
   * The models setup loads; the others load on their first request.
   * @default the default model alone
   */
  eager?: readonly ModelName[];
}

/**
 * A predictor named "yolov5" that serves `models`. It lives in the module
 * that exports every variant because pool workers import the module that
 * called definePredictor and look the predictor up there by name and version.
 * onnxruntime and the image decoder load in setup (./detector.ts), so the
 * HTTP thread of a worker pool never loads them.
 */
function yolov5Predictor({ version, description, models, eager }: Yolov5Variant) {
  return definePredictor({
    name: "yolov5",
    version,
    description,
    ui: { renderer: "detections", image: "image" },
    input: inputSchema(models),
    output: outputSchema,
    weights: weightsOf(models),
    setup: async (ctx): Promise<Detector> => {
      const { loadDetector } = await import("./detector.js");
      return loadDetector(models, eager ?? [defaultModel(models)], ctx);
    },
    predict: (input, ctx) => ctx.state.detect(input, ctx),
    // Per-version histograms in /metrics, to compare a canary's outputs with the primary's.
    outputMetrics: {
      detections: {
        help: "Detections per image",
        buckets: [0, 1, 2, 5, 10, 20, 50, 100],
        value: (output) => output.detections.length,
      },
      top_confidence: {
        help: "Confidence of the best detection of each image that has one",
        buckets: [0.25, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95],
        value: (output) => output.detections[0]?.confidence,
      },
    },
    // In shadow: the same objects with every corner within a few pixels.
    compare: compareDetections,
  });
}

/**
 * Every model whose weights were found (all of them when none were), as one
 * version: 7.0.0. Setup loads the default model (yolov5n); the fp16 weights
 * load in a worker when a request there first names them.
 */
export const predictor = yolov5Predictor({
  version: "7.0.0",
  description:
    "YOLOv5n object detection (80 COCO classes), with the semantics of Ultralytics YOLOv5 detect.py at its defaults.",
  models: MODELS,
});

/** The float32 weights (yolov5n) alone: version "fp32" of the model "yolov5". */
export const fp32 = yolov5Predictor({
  version: "fp32",
  description:
    "YOLOv5n object detection (80 COCO classes) with the float32 weights, as Ultralytics YOLOv5 detect.py at its defaults.",
  models: ["yolov5n"],
});

/** The float16 weights (yolov5n-fp16) alone: version "fp16" of the model "yolov5". */
export const fp16 = yolov5Predictor({
  version: "fp16",
  description:
    "YOLOv5n object detection (80 COCO classes) with the half-precision (float16) weights, as Ultralytics YOLOv5 detect.py at its defaults.",
  models: ["yolov5n-fp16"],
});

export { Detection } from "./schemas.js";
