/** What two YOLOv5 outputs are compared by: their detections. */
interface Detected {
  class_id: number;
  label: string;
  confidence: number;
  box: { x1: number; y1: number; x2: number; y2: number };
}

/** Corners may move this many pixels between two versions and still be "the same box". */
export const AGREEMENT_PX = 4;

/**
 * Whether a candidate version's detections agree with the answer's: the
 * same objects, one to one, each with the same class and every corner
 * within {@link AGREEMENT_PX} pixels. Matched greedily in confidence order,
 * so two near-equal confidences swapping places is no disagreement.
 * A disagreement names what one found and the other did not.
 */
export function compareDetections(
  answer: { detections: Detected[] },
  candidate: { detections: Detected[] },
): { agree: boolean; difference?: unknown } {
  const unmatched = [...candidate.detections];
  const missing: string[] = [];
  for (const detection of answer.detections) {
    const at = unmatched.findIndex((other) => sameObject(detection, other));
    if (at < 0) missing.push(describe(detection));
    else unmatched.splice(at, 1);
  }
  const extra = unmatched.map(describe);
  if (missing.length === 0 && extra.length === 0) return { agree: true };
  return {
    agree: false,
    difference: {
      answer_count: answer.detections.length,
      candidate_count: candidate.detections.length,
      missing_in_candidate: missing,
      extra_in_candidate: extra,
    },
  };
}

function sameObject(a: Detected, b: Detected): boolean {
  return (
    a.class_id === b.class_id &&
    (["x1", "y1", "x2", "y2"] as const).every((k) => Math.abs(a.box[k] - b.box[k]) <= AGREEMENT_PX)
  );
}

function describe(d: Detected): string {
  const { x1, y1, x2, y2 } = d.box;
  return `${d.label} ${d.confidence.toFixed(2)} at (${Math.round(x1)},${Math.round(y1)})–(${Math.round(x2)},${Math.round(y2)})`;
}
