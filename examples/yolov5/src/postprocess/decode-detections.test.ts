import { describe, expect, it } from "vitest";
import { decodeDetections } from "./decode-detections.js";

const labels = ["person", "car"];

/** Rows of cx, cy, w, h, objectness, person score, car score (input pixels). */
function output(...list: number[][]): Float32Array {
  return Float32Array.from(list.flat());
}

describe("decodeDetections", () => {
  // A 1280×720 image letterboxed into 640×640: scale 0.5, 140 rows of padding on top.
  const image = { imageWidth: 1280, imageHeight: 720 };

  it("returns labelled detections on the original image, best first", () => {
    const result = decodeDetections(
      output([100, 200, 40, 20, 0.8, 0.9, 0.1], [300, 300, 20, 20, 0.9, 0.1, 0.95]),
      { labels, ...image },
    );
    expect(result).toEqual([
      {
        class_id: 1,
        label: "car",
        confidence: Math.fround(Math.fround(0.9) * Math.fround(0.95)),
        box: { x1: 580, y1: 300, x2: 620, y2: 340 },
      },
      {
        class_id: 0,
        label: "person",
        confidence: Math.fround(Math.fround(0.8) * Math.fround(0.9)),
        box: { x1: 160, y1: 100, x2: 240, y2: 140 },
      },
    ]);
  });

  it("suppresses duplicates of one object and keeps other classes on top of it", () => {
    const result = decodeDetections(
      output(
        [100, 200, 40, 40, 0.9, 0.9, 0],
        [102, 201, 40, 40, 0.9, 0.8, 0],
        [100, 200, 40, 40, 0.9, 0, 0.5],
      ),
      { labels, ...image },
    );
    expect(result.map((d) => [d.label, d.confidence.toFixed(2)])).toEqual([
      ["person", "0.81"],
      ["car", "0.45"],
    ]);
  });

  it("applies the confidence threshold, class filter and detection cap", () => {
    const rowsOut = output(
      [100, 200, 40, 40, 0.9, 0.9, 0],
      [400, 200, 40, 40, 0.9, 0.5, 0],
      [300, 300, 40, 40, 0.9, 0, 0.9],
    );
    expect(decodeDetections(rowsOut, { labels, ...image, confidence: 0.5 })).toHaveLength(2);
    expect(
      decodeDetections(rowsOut, { labels, ...image, classes: [1] }).map((d) => d.label),
    ).toEqual(["car"]);
    expect(decodeDetections(rowsOut, { labels, ...image, maxDetections: 1 })).toHaveLength(1);
  });

  it("uses an explicit letterbox transform when given", () => {
    const [d] = decodeDetections(output([100, 100, 20, 20, 0.9, 0.9, 0]), {
      labels,
      imageWidth: 1000,
      imageHeight: 1000,
      letterbox: { scale: 1, padX: 10, padY: 20 },
    });
    expect(d?.box).toEqual({ x1: 80, y1: 70, x2: 100, y2: 90 });
  });

  it("clips boxes to the image", () => {
    const [d] = decodeDetections(output([5, 145, 40, 40, 0.9, 0.9, 0]), { labels, ...image });
    expect(d?.box).toEqual({ x1: 0, y1: 0, x2: 50, y2: 50 });
  });
});
