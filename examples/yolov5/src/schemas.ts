import { image, z } from "@servekit/core";
import { COCO_LABELS } from "./postprocess/coco-labels.js";
import type { ModelName } from "./weights.js";

/** The 80 COCO class names, by class id. */
export const LABELS: readonly string[] = [...COCO_LABELS];

/** Smallest accepted image side: below it, nothing is detectable at 640×640. */
export const MIN_SIDE = 16;

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
export function inputSchema(models: readonly ModelName[]) {
  return z.object({
    image: image({ description: "Photo to run detection on (EXIF orientation is applied)" }),
    model: z
      .enum(models as readonly string[] as [string, ...string[]])
      .default(defaultModel(models))
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

/** The model a request gets when it names none: `yolov5n` when offered, else the first. */
export function defaultModel(models: readonly ModelName[]): ModelName {
  return models.includes("yolov5n") ? "yolov5n" : models[0]!;
}

export const outputSchema = z.object({
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

export type DetectInput = z.output<ReturnType<typeof inputSchema>>;
export type DetectOutput = z.input<typeof outputSchema>;
