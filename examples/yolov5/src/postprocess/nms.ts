import type { Candidates } from "./candidates.js";

/** Options for {@link nonMaxSuppression}. */
export interface NmsOptions {
  /**
   * A box is dropped when its IoU with a kept box of the same class is
   * strictly greater than this.
   * @default 0.45
   */
  iou?: number;
  /** Stop after this many kept boxes. @default 1000 */
  maxDetections?: number;
  /** Suppress across classes too. @default false */
  agnostic?: boolean;
  /** Only the best-scoring this many candidates enter NMS. @default 30000 */
  maxCandidates?: number;
}

/**
 * Coordinate offset per class id: boxes of different classes are moved this
 * far apart so that one NMS pass never lets them suppress each other
 * (Ultralytics' `max_wh`).
 */
export const CLASS_OFFSET = 7680;

const f32 = Math.fround;

/**
 * Greedy, class-aware non-maximum suppression with the semantics and float32
 * arithmetic of `torchvision.ops.nms` as YOLOv5 calls it: candidates are
 * ordered by score (descending, ties keep their original order), each kept
 * box drops every later box of its class whose IoU with it exceeds `iou`.
 *
 * Returns indices into `candidates`, best score first.
 *
 * @example
 * const keep = nonMaxSuppression(candidates, { iou: 0.45, maxDetections: 100 });
 */
export function nonMaxSuppression(candidates: Candidates, options: NmsOptions = {}): number[] {
  const iouThreshold = options.iou ?? 0.45;
  const maxDetections = options.maxDetections ?? 1000;
  if (!(iouThreshold >= 0 && iouThreshold <= 1)) {
    throw new RangeError(`iou must be between 0 and 1, got ${iouThreshold}`);
  }
  if (!(Number.isInteger(maxDetections) && maxDetections >= 0)) {
    throw new RangeError(`maxDetections must be a whole number ≥ 0, got ${maxDetections}`);
  }
  const offsetPerClass = options.agnostic ? 0 : CLASS_OFFSET;
  const { boxes, scores, classIds } = candidates;

  // Array.prototype.sort is stable, so equal scores keep their row order.
  const order = Array.from({ length: candidates.count }, (_, i) => i)
    .sort((a, b) => scores[b]! - scores[a]!)
    .slice(0, options.maxCandidates ?? 30000);
  const n = order.length;

  // Offset boxes and areas as float32, in score order.
  const x1 = new Float32Array(n);
  const y1 = new Float32Array(n);
  const x2 = new Float32Array(n);
  const y2 = new Float32Array(n);
  const areas = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    const offset = classIds[i]! * offsetPerClass;
    x1[k] = boxes[4 * i]! + offset;
    y1[k] = boxes[4 * i + 1]! + offset;
    x2[k] = boxes[4 * i + 2]! + offset;
    y2[k] = boxes[4 * i + 3]! + offset;
    areas[k] = f32(x2[k]! - x1[k]!) * f32(y2[k]! - y1[k]!);
  }

  const suppressed = new Uint8Array(n);
  const keep: number[] = [];
  for (let k = 0; k < n && keep.length < maxDetections; k++) {
    if (suppressed[k]) continue;
    keep.push(order[k]!);
    for (let m = k + 1; m < n; m++) {
      if (suppressed[m]) continue;
      const w = Math.max(0, f32(Math.min(x2[k]!, x2[m]!) - Math.max(x1[k]!, x1[m]!)));
      const h = Math.max(0, f32(Math.min(y2[k]!, y2[m]!) - Math.max(y1[k]!, y1[m]!)));
      const inter = f32(w * h);
      const iou = f32(inter / f32(f32(areas[k]! + areas[m]!) - inter));
      if (iou > iouThreshold) suppressed[m] = 1;
    }
  }
  return keep;
}
