import { describe, expect, it } from "vitest";
import { selectCandidates } from "./candidates.js";

const CLASSES = 3;

/** One output row: box centre/size, objectness, then one score per class. */
function rows(...list: [number, number, number, number, number, ...number[]][]): Float32Array {
  for (const row of list) expect(row).toHaveLength(5 + CLASSES);
  return Float32Array.from(list.flat());
}

describe("selectCandidates", () => {
  it("keeps rows whose objectness × best class score passes, as corner boxes", () => {
    const output = rows([50, 40, 20, 10, 0.9, 0.1, 0.8, 0.2]);
    const c = selectCandidates(output, { numClasses: CLASSES });
    expect(c.count).toBe(1);
    expect([...c.boxes]).toEqual([40, 35, 60, 45]);
    expect(c.classIds[0]).toBe(1);
    expect(c.scores[0]).toBe(Math.fround(Math.fround(0.9) * Math.fround(0.8)));
  });

  it("drops a row whose objectness is at or below the threshold, however high its class score", () => {
    const output = rows([10, 10, 4, 4, 0.25, 1, 0, 0], [10, 10, 4, 4, 0.2, 1, 0, 0]);
    expect(selectCandidates(output, { numClasses: CLASSES }).count).toBe(0);
  });

  it("drops a row whose combined confidence is not above the threshold", () => {
    // 0.5 × 0.5 = 0.25 exactly: not > 0.25.
    const output = rows([10, 10, 4, 4, 0.5, 0.5, 0, 0], [10, 10, 4, 4, 0.5, 0.5002, 0, 0]);
    const c = selectCandidates(output, { numClasses: CLASSES });
    expect(c.count).toBe(1);
    expect(c.scores[0]).toBeCloseTo(0.2501, 6);
  });

  it("picks the first class on a tie, like torch.max", () => {
    const output = rows([10, 10, 4, 4, 0.9, 0.3, 0.7, 0.7]);
    expect(selectCandidates(output, { numClasses: CLASSES }).classIds[0]).toBe(1);
  });

  it("filters by class after choosing the best class", () => {
    const output = rows([10, 10, 4, 4, 0.9, 0.6, 0.7, 0], [30, 30, 4, 4, 0.9, 0.9, 0, 0]);
    const c = selectCandidates(output, { numClasses: CLASSES, classes: [0] });
    // The first row's best class is 1, so it is gone even though class 0 scored 0.54.
    expect(c.count).toBe(1);
    expect(c.boxes[0]).toBe(28);
  });

  it("compares against the threshold as float32, like PyTorch", () => {
    // float32(0.3) is a hair above 0.3; a score equal to it is not "> 0.3" in float32.
    const score = Math.fround(0.3);
    const output = rows([10, 10, 4, 4, 1, score, 0, 0]);
    expect(selectCandidates(output, { numClasses: CLASSES, confidence: 0.3 }).count).toBe(0);
  });

  it("rejects an output whose length does not fit the class count", () => {
    expect(() => selectCandidates(new Float32Array(85 * 2 + 1), { numClasses: 80 })).toThrow(
      /not a multiple of 5 \+ numClasses = 85/,
    );
  });

  it("rejects a confidence outside 0..1", () => {
    expect(() => selectCandidates(new Float32Array(8), { numClasses: 3, confidence: 1.5 })).toThrow(
      /between 0 and 1, got 1.5/,
    );
  });
});
