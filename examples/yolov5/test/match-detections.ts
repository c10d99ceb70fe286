import { expect } from "vitest";
import type { ReferenceDetection } from "./reference.js";

/** Matches detections one to one (same order: sorted by confidence) within the given tolerances. */
export function expectMatches(
  actual: ReferenceDetection[],
  expected: ReferenceDetection[],
  tolerance: { px: number; confidence: number },
) {
  expect(actual.map((d) => d.label)).toEqual(expected.map((d) => d.label));
  actual.forEach((detection, i) => {
    const want = expected[i]!;
    expect(detection.class_id).toBe(want.class_id);
    expect(Math.abs(detection.confidence - want.confidence)).toBeLessThanOrEqual(
      tolerance.confidence,
    );
    for (const key of ["x1", "y1", "x2", "y2"] as const) {
      expect(Math.abs(detection.box[key] - want.box[key])).toBeLessThanOrEqual(tolerance.px);
    }
  });
}
