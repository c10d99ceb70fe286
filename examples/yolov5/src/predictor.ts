import { definePredictor, image, invalidField, z } from "@servekit/core";
import { decodeImage, letterbox } from "@servekit/core/image";
import { float16Tensor, tensorToFloat32 } from "@servekit/core/onnx";
import { Tensor } from "onnxruntime-node";
import { type DetectorState, type LoadedModel, loadModel } from "./detector-state.js";
import { COCO_LABELS, decodeDetections } from "./postprocess/index.js";
import { availableModels, MODEL_NAMES } from "./weights/index.js";

// The `model` enum lists the weights found locally; with none found, all of
// them (setup then downloads what it needs).
const found = await availableModels();
const MODELS = found.length > 0 ? found : [...MODEL_NAMES];
const DEFAULT_MODEL = MODELS.includes("yolov5n") ? "yolov5n" : MODELS[0]!;
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

export const predictor = definePredictor({
  name: "yolov5",
  version: "7.0.0",
  description:
    "YOLOv5n object detection (80 COCO classes), with the semantics of Ultralytics YOLOv5 detect.py at its defaults.",
  ui: { renderer: "detections", image: "image" },
  input: z.object({
    image: image({ description: "Photo to run detection on (EXIF orientation is applied)" }),
    model: z
      .enum(MODELS as [string, ...string[]])
      .default(DEFAULT_MODEL)
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
  }),
  output: z.object({
    detections: z.array(Detection).describe("Sorted by confidence, highest first"),
    image: z.object({ width: z.number().int(), height: z.number().int() }),
    model: z.string(),
    timings_ms: z.object({
      preprocess: z.number().describe("decode + letterbox"),
      inference: z.number(),
      postprocess: z.number().describe("candidates + NMS + box mapping"),
      total: z.number(),
    }),
  }),
  async setup(ctx): Promise<DetectorState> {
    const models = new Map<string, LoadedModel>();
    for (const name of MODELS) models.set(name, await loadModel(name, ctx.log));
    const side = Math.max(...[...models.values()].map((m) => m.inputSize));
    return {
      models,
      inputBuffer: new Float32Array(3 * side * side),
      float16Buffer: new Uint16Array(3 * side * side),
      inputInUse: false,
    };
  },
  async predict(input, { state, signal }) {
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
  },
});

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
