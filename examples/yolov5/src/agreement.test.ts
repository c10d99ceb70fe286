import { describe, expect, it } from "vitest";
import { compareDetections } from "./agreement.js";

const person = (x: number, confidence = 0.9) => ({
  class_id: 0,
  label: "person",
  confidence,
  box: { x1: x, y1: 10, x2: x + 50, y2: 110 },
});
const bus = { class_id: 5, label: "bus", confidence: 0.8, box: { x1: 0, y1: 0, x2: 400, y2: 300 } };

describe("compareDetections", () => {
  it("agrees on the same objects whose corners moved a few pixels, in any order", () => {
    expect(
      compareDetections(
        { detections: [person(100), bus] },
        { detections: [bus, person(103, 0.91)] },
      ),
    ).toEqual({ agree: true });
  });

  it("disagrees on a box that moved too far, a missing object or another class, and says which", () => {
    const verdict = compareDetections(
      { detections: [person(100), bus] },
      { detections: [person(120)] },
    );
    expect(verdict).toEqual({
      agree: false,
      difference: {
        answer_count: 2,
        candidate_count: 1,
        missing_in_candidate: ["person 0.90 at (100,10)–(150,110)", "bus 0.80 at (0,0)–(400,300)"],
        extra_in_candidate: ["person 0.90 at (120,10)–(170,110)"],
      },
    });
    expect(
      compareDetections({ detections: [bus] }, { detections: [{ ...bus, class_id: 7 }] }).agree,
    ).toBe(false);
  });
});
