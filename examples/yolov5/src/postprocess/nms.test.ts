import { describe, expect, it } from "vitest";
import type { Candidates } from "./candidates.js";
import { nonMaxSuppression } from "./nms.js";

type Row = { box: [number, number, number, number]; score: number; cls?: number };

function candidates(...list: Row[]): Candidates {
  return {
    count: list.length,
    boxes: Float32Array.from(list.flatMap((r) => r.box)),
    scores: Float32Array.from(list.map((r) => r.score)),
    classIds: Int32Array.from(list.map((r) => r.cls ?? 0)),
  };
}

describe("nonMaxSuppression", () => {
  it("drops a lower-scored box of the same class that overlaps too much", () => {
    const c = candidates(
      { box: [0, 0, 10, 10], score: 0.6 },
      { box: [1, 1, 11, 11], score: 0.9 }, // IoU 81/119 ≈ 0.68
      { box: [50, 50, 60, 60], score: 0.5 },
    );
    expect(nonMaxSuppression(c)).toEqual([1, 2]);
  });

  it("keeps overlapping boxes of different classes", () => {
    const c = candidates(
      { box: [0, 0, 10, 10], score: 0.9, cls: 0 },
      { box: [0, 0, 10, 10], score: 0.8, cls: 5 },
    );
    expect(nonMaxSuppression(c)).toEqual([0, 1]);
  });

  it("suppresses across classes when agnostic", () => {
    const c = candidates(
      { box: [0, 0, 10, 10], score: 0.9, cls: 0 },
      { box: [0, 0, 10, 10], score: 0.8, cls: 5 },
    );
    expect(nonMaxSuppression(c, { agnostic: true })).toEqual([0]);
  });

  it("keeps a box whose IoU equals the threshold exactly (only IoU > threshold suppresses)", () => {
    // inter 2, union 4: IoU is exactly 0.5.
    const c = candidates({ box: [0, 0, 3, 1], score: 0.9 }, { box: [1, 0, 4, 1], score: 0.8 });
    expect(nonMaxSuppression(c, { iou: 0.5 })).toEqual([0, 1]);
    expect(nonMaxSuppression(c, { iou: 0.49 })).toEqual([0]);
  });

  it("computes IoU in float32 like torchvision: 9/20 is kept at the 0.45 default", () => {
    // inter 9, union 20. float32(0.45) < 0.45, so the float32 IoU does not exceed it.
    const c = candidates(
      { box: [0, 0, 14.5, 1], score: 0.9 },
      { box: [5.5, 0, 20, 1], score: 0.8 },
    );
    expect(nonMaxSuppression(c)).toEqual([0, 1]);
    const closer = candidates(
      { box: [0, 0, 14.5, 1], score: 0.9 },
      { box: [5.4, 0, 19.9, 1], score: 0.8 },
    );
    expect(nonMaxSuppression(closer)).toEqual([0]);
  });

  it("lets a suppressed box suppress nothing (greedy, in score order)", () => {
    // B overlaps A heavily and C heavily, A and C barely: A kept, B dropped, C kept.
    const c = candidates(
      { box: [0, 0, 10, 10], score: 0.9 },
      { box: [3, 0, 13, 10], score: 0.8 },
      { box: [7, 0, 17, 10], score: 0.7 },
    );
    expect(nonMaxSuppression(c)).toEqual([0, 2]);
  });

  it("orders equal scores by their original position", () => {
    const c = candidates({ box: [0, 0, 10, 10], score: 0.5 }, { box: [0, 0, 10, 10], score: 0.5 });
    expect(nonMaxSuppression(c)).toEqual([0]);
  });

  it("stops at maxDetections, keeping the best", () => {
    const c = candidates(
      { box: [0, 0, 1, 1], score: 0.3 },
      { box: [10, 10, 11, 11], score: 0.9 },
      { box: [20, 20, 21, 21], score: 0.6 },
    );
    expect(nonMaxSuppression(c, { maxDetections: 2 })).toEqual([1, 2]);
    expect(nonMaxSuppression(c, { maxDetections: 0 })).toEqual([]);
  });

  it("returns nothing for no candidates", () => {
    expect(nonMaxSuppression(candidates())).toEqual([]);
  });

  it("rejects thresholds that cannot work", () => {
    expect(() => nonMaxSuppression(candidates(), { iou: 2 })).toThrow(
      /iou must be between 0 and 1, got 2/,
    );
    expect(() => nonMaxSuppression(candidates(), { maxDetections: -1 })).toThrow(/maxDetections/);
  });
});
