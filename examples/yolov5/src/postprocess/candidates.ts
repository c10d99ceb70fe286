/**
 * Rows of a raw YOLOv5 output that pass the confidence threshold, each reduced
 * to its best class. Boxes are corner form (x1, y1, x2, y2) in model-input
 * pixels; all three arrays hold `count` entries (boxes holds 4 per entry).
 */
export interface Candidates {
  count: number;
  boxes: Float32Array;
  scores: Float32Array;
  classIds: Int32Array;
}

/** Options for {@link selectCandidates}. */
export interface SelectCandidatesOptions {
  /** Number of class scores per row (the row is 5 + numClasses long). */
  numClasses: number;
  /**
   * Minimum confidence, exclusive: objectness must exceed it, and so must
   * objectness × best class score.
   * @default 0.25
   */
  confidence?: number;
  /** Keep only these class ids. @default all classes */
  classes?: Iterable<number>;
}

/**
 * Filters a raw `[rows × (5 + numClasses)]` YOLOv5 output (cx, cy, w, h,
 * objectness, class scores) the way Ultralytics' `non_max_suppression` does
 * before NMS: objectness > threshold, confidence = objectness × class score
 * in float32, best class by its first maximum, confidence > threshold,
 * optional class filter. Values are rounded to float32 where PyTorch would
 * hold them in float32, so results match the reference bit for bit.
 *
 * @example
 * const c = selectCandidates(output, { numClasses: 80, confidence: 0.25 });
 * // c.count boxes, in c.boxes[4 * i .. 4 * i + 3]
 */
export function selectCandidates(
  output: Float32Array,
  options: SelectCandidatesOptions,
): Candidates {
  const { numClasses } = options;
  const stride = numClasses + 5;
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new RangeError(`numClasses must be a positive integer, got ${numClasses}`);
  }
  if (output.length % stride !== 0) {
    throw new RangeError(
      `output length ${output.length} is not a multiple of 5 + numClasses = ${stride}; ` +
        "expected a [rows × (5 + classes)] YOLOv5 detection output",
    );
  }
  const confidence = options.confidence ?? 0.25;
  if (!(confidence >= 0 && confidence <= 1)) {
    throw new RangeError(`confidence must be between 0 and 1, got ${confidence}`);
  }
  // PyTorch compares a float32 tensor with a Python float after casting the
  // float to float32, so the threshold is rounded the same way.
  const threshold = Math.fround(confidence);
  const wanted = options.classes === undefined ? undefined : new Set(options.classes);
  const rows = output.length / stride;

  const passing = new Int32Array(rows);
  const passingClass = new Int32Array(rows);
  const passingScore = new Float32Array(rows);
  let count = 0;
  for (let row = 0; row < rows; row++) {
    const base = row * stride;
    const objectness = output[base + 4]!;
    if (!(objectness > threshold)) continue;
    let bestClass = 0;
    let bestScore = Math.fround(output[base + 5]! * objectness);
    for (let c = 1; c < numClasses; c++) {
      const score = Math.fround(output[base + 5 + c]! * objectness);
      if (score > bestScore) {
        bestScore = score;
        bestClass = c;
      }
    }
    if (!(bestScore > threshold)) continue;
    if (wanted !== undefined && !wanted.has(bestClass)) continue;
    passing[count] = row;
    passingClass[count] = bestClass;
    passingScore[count] = bestScore;
    count++;
  }

  const boxes = new Float32Array(count * 4);
  for (let i = 0; i < count; i++) {
    const base = passing[i]! * stride;
    const cx = output[base]!;
    const cy = output[base + 1]!;
    const halfW = output[base + 2]! / 2;
    const halfH = output[base + 3]! / 2;
    // Storing into a Float32Array rounds each corner to float32, as xywh2xyxy does.
    boxes[4 * i] = cx - halfW;
    boxes[4 * i + 1] = cy - halfH;
    boxes[4 * i + 2] = cx + halfW;
    boxes[4 * i + 3] = cy + halfH;
  }
  return {
    count,
    boxes,
    scores: passingScore.slice(0, count),
    classIds: passingClass.slice(0, count),
  };
}
