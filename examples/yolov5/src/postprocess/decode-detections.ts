import { selectCandidates } from "./candidates.js";
import { nonMaxSuppression } from "./nms.js";
import {
  type Box,
  type LetterboxTransform,
  letterboxTransformFor,
  scaleBox,
} from "./scale-boxes.js";

/** One detected object, with its box in original-image pixels. */
export interface Detection {
  class_id: number;
  label: string;
  confidence: number;
  box: Box;
}

/** Options for {@link decodeDetections}. */
export interface DecodeDetectionsOptions {
  /** Class names; their count fixes the output row width (5 + classes). */
  labels: readonly string[];
  /** Width of the original image, in pixels. */
  imageWidth: number;
  /** Height of the original image, in pixels. */
  imageHeight: number;
  /** Minimum confidence (exclusive). @default 0.25 */
  confidence?: number;
  /** NMS IoU threshold (a box is dropped above it). @default 0.45 */
  iou?: number;
  /** At most this many detections. @default 1000 */
  maxDetections?: number;
  /** Keep only these class ids. @default all classes */
  classes?: Iterable<number>;
  /** Suppress overlapping boxes across classes. @default false */
  agnostic?: boolean;
  /** Side of the square model input. @default 640 */
  inputSize?: number;
  /**
   * How the image was letterboxed. @default derived from the image and
   * input sizes, as YOLOv5's `scale_boxes` does
   */
  letterbox?: LetterboxTransform;
}

/**
 * Turns a raw YOLOv5 output (`[rows × (5 + classes)]`: cx, cy, w, h,
 * objectness, class scores) into detections on the original image, with the
 * semantics of Ultralytics YOLOv5 `detect.py`: confidence filter, best class,
 * class-aware NMS, boxes mapped back through the letterbox and clipped.
 * Sorted by confidence, highest first. Boxes keep their fractions (detect.py
 * rounds them to whole pixels only for display).
 *
 * @example
 * const detections = decodeDetections(output, {
 *   labels, imageWidth: 810, imageHeight: 1080, confidence: 0.25, iou: 0.45,
 * });
 */
export function decodeDetections(
  output: Float32Array,
  options: DecodeDetectionsOptions,
): Detection[] {
  const { labels, imageWidth, imageHeight } = options;
  const candidates = selectCandidates(output, {
    numClasses: labels.length,
    confidence: options.confidence,
    classes: options.classes,
  });
  const keep = nonMaxSuppression(candidates, {
    iou: options.iou,
    maxDetections: options.maxDetections,
    agnostic: options.agnostic,
  });
  const transform =
    options.letterbox ??
    letterboxTransformFor({ imageWidth, imageHeight, inputSize: options.inputSize });
  const image = { width: imageWidth, height: imageHeight };
  const { boxes, scores, classIds } = candidates;
  return keep.map((i) => {
    const classId = classIds[i]!;
    const inputBox = {
      x1: boxes[4 * i]!,
      y1: boxes[4 * i + 1]!,
      x2: boxes[4 * i + 2]!,
      y2: boxes[4 * i + 3]!,
    };
    return {
      class_id: classId,
      label: labels[classId]!,
      confidence: scores[i]!,
      box: scaleBox(inputBox, transform, image),
    };
  });
}
