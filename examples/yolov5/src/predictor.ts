import {
  definePredictor,
  image,
  invalidField,
  type PredictContext,
  type SetupContext,
  z,
} from "@servekit/core";
import { decodeImage, letterbox } from "@servekit/core/image";
import { float16Tensor, tensorToFloat32 } from "@servekit/core/onnx";
import { Tensor } from "onnxruntime-node";
import { compareDetections } from "./agreement.js";
import { type DetectorState, type LoadedModel, loadModel } from "./detector-state.js";
import { COCO_LABELS, decodeDetections } from "./postprocess/index.js";
import { availableModels, MODEL_NAMES, type ModelName, weightsOf } from "./weights.js";

// The `model` enum lists the weights found locally (SERVEKIT_WEIGHTS_DIR,
// weights/, the cache); with none found, all of them (setup then downloads
// what it needs, or finds it in the `weightsDir` option).
const found = await availableModels();
const MODELS = found.length > 0 ? found : [...MODEL_NAMES];
const LABELS = [...COCO_LABELS];

/** Smallest accepted image side: below it, nothing is detectable at 640×640. */
const MIN_SIDE = 16;

const Box = z
  .object({ x1: z.number(), y1: z.number(), x2: z.number(), y2: z.number() })
  .describe("Corners in original-image pixels (after EXIF orientation)");

export const Detection = z.object({
  class_id: z.number().int().describe("COCO class index, 0–79"),
  label: z.string().describe("COCO class name"),
  confidence: z.number().describe("objectness × class score"),
  box: Box,
});

/** The input of a predictor offering `models` in its `model` enum, `yolov5n` first when there. */
function inputSchema(models: readonly ModelName[]) {
  return z.object({
    image: image({ description: "Photo to run detection on (EXIF orientation is applied)" }),
    model: z
      .enum(models as readonly string[] as [string, ...string[]])
      .default(models.includes("yolov5n") ? "yolov5n" : models[0]!)
      .describe("Weights to use"),
    confidence: z
      .number()
      .min(0)
      .max(1)
      .default(0.25)
      .describe("Minimum confidence of a detection"),
    iou: z
      .number()
      .min(0)
      .max(1)
      .default(0.45)
      .describe("IoU above which NMS drops the weaker of two boxes of one class"),
    max_detections: z
      .number()
      .int()
      .min(1)
      .max(30_000)
      .default(1000)
      .describe("At most this many detections"),
    classes: z
      .array(
        z.union([
          z
            .number()
            .int()
            .min(0)
            .max(LABELS.length - 1),
          z.enum(LABELS as [string, ...string[]]),
        ]),
      )
      .min(1)
      .optional()
      .describe('Only these classes, by id or name, e.g. ["person", 2]'),
  });
}

const outputSchema = z.object({
  detections: z.array(Detection).describe("Sorted by confidence, highest first"),
  image: z.object({ width: z.number().int(), height: z.number().int() }),
  model: z.string(),
  timings_ms: z.object({
    preprocess: z.number().describe("decode + letterbox"),
    inference: z.number(),
    postprocess: z.number().describe("candidates + NMS + box mapping"),
    total: z.number(),
  }),
});

type DetectInput = z.output<ReturnType<typeof inputSchema>>;
type DetectOutput = z.input<typeof outputSchema>;

/** What tells one served YOLOv5 predictor from another. */
interface Yolov5Variant {
  version: string;
  description: string;
  /** The weights it declares, setup loads and the `model` enum offers. */
  models: readonly ModelName[];
}

/**
 * A predictor named "yolov5" that loads only `models`. It lives in the module
 * that exports every variant because pool workers import the module that
 * called definePredictor and look the predictor up there by name and version.
 */
function yolov5Predictor({ version, description, models }: Yolov5Variant) {
  return definePredictor({
    name: "yolov5",
    version,
    description,
    ui: { renderer: "detections", image: "image" },
    input: inputSchema(models),
    output: outputSchema,
    weights: weightsOf(models),
    setup: (ctx) => loadDetector(models, ctx),
    predict: detect,
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

/** Every model whose weights were found (all of them when none were), as one version: 7.0.0. */
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

async function loadDetector(
  names: readonly ModelName[],
  { weights, log }: Pick<SetupContext, "weights" | "log">,
): Promise<DetectorState> {
  // Found or downloaded all at once; then loaded one by one.
  const paths = await Promise.all(names.map((name) => weights.path(name)));
  const models = new Map<string, LoadedModel>();
  for (const [i, name] of names.entries()) models.set(name, await loadModel(name, paths[i]!, log));
  const side = Math.max(...[...models.values()].map((m) => m.inputSize));
  return {
    models,
    inputBuffer: new Float32Array(3 * side * side),
    float16Buffer: new Uint16Array(3 * side * side),
    inputInUse: false,
  };
}

async function detect(
  input: DetectInput,
  { state, signal }: PredictContext<DetectorState>,
): Promise<DetectOutput> {
  const started = performance.now();
  if (input.image.width < MIN_SIDE || input.image.height < MIN_SIDE) {
    throw invalidField(
      ["image"],
      `image is ${input.image.width}×${input.image.height}; at least ${MIN_SIDE}×${MIN_SIDE} pixels are needed`,
    );
  }
  const model = state.models.get(input.model)!;
  const classes = input.classes?.map((c) => (typeof c === "number" ? c : LABELS.indexOf(c)));

  // One prediction runs per worker, so the input buffer is normally free;
  // inline with concurrent predictions, the later ones allocate their own.
  const reuse = !state.inputInUse;
  state.inputInUse = true;
  try {
    const decoded = await decodeImage(input.image.data, { field: "image" });
    const boxed = letterbox(decoded, {
      size: model.inputSize,
      out: reuse ? state.inputBuffer : undefined,
    });
    const tensor = model.float16
      ? float16Tensor(boxed.tensor, boxed.dims, reuse ? state.float16Buffer : undefined)
      : new Tensor("float32", boxed.tensor, boxed.dims);
    const preprocessed = performance.now();

    signal.throwIfAborted();
    const outputs = await model.loaded.session.run({ [model.inputName]: tensor });
    const raw = tensorToFloat32(outputs[model.outputName]!);
    const inferred = performance.now();

    const detections = decodeDetections(raw, {
      labels: LABELS,
      imageWidth: decoded.width,
      imageHeight: decoded.height,
      inputSize: model.inputSize,
      confidence: input.confidence,
      iou: input.iou,
      maxDetections: input.max_detections,
      ...(classes ? { classes } : {}),
    });
    const done = performance.now();
    return {
      detections,
      image: { width: decoded.width, height: decoded.height },
      model: input.model,
      timings_ms: {
        preprocess: round(preprocessed - started),
        inference: round(inferred - preprocessed),
        postprocess: round(done - inferred),
        total: round(done - started),
      },
    };
  } finally {
    if (reuse) state.inputInUse = false;
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
