import { describe, expect, it } from "vitest";
import { letterboxTransformFor, scaleBox } from "./scale-boxes.js";

describe("letterboxTransformFor", () => {
  it("pads the short side of a portrait image (bus.jpg, 810×1080)", () => {
    const t = letterboxTransformFor({ imageWidth: 810, imageHeight: 1080 });
    expect(t.scale).toBeCloseTo(640 / 1080, 15);
    expect(t.padX).toBeCloseTo(80, 12);
    expect(t.padY).toBe(0);
  });

  it("pads the short side of a landscape image (zidane.jpg, 1280×720)", () => {
    expect(letterboxTransformFor({ imageWidth: 1280, imageHeight: 720 })).toEqual({
      scale: 0.5,
      padX: 0,
      padY: 140,
    });
  });

  it("keeps a fractional padding unrounded, as YOLOv5's scale_boxes does", () => {
    // 773×512: the letterboxed image has 108 rows of padding on top, but
    // scale_boxes uses (640 − 512 × 640/773) / 2 = 108.0466…
    const t = letterboxTransformFor({ imageWidth: 773, imageHeight: 512 });
    expect(t.padY).toBeCloseTo(108.04657179818886, 12);
  });

  it("scales small images up", () => {
    expect(letterboxTransformFor({ imageWidth: 320, imageHeight: 160 })).toEqual({
      scale: 2,
      padX: 0,
      padY: 160,
    });
  });

  it("rejects an empty image", () => {
    expect(() => letterboxTransformFor({ imageWidth: 0, imageHeight: 10 })).toThrow(
      /must be positive, got 0×10/,
    );
  });
});

describe("scaleBox", () => {
  const image = { width: 1280, height: 720 };
  const transform = { scale: 0.5, padX: 0, padY: 140 };

  it("undoes padding and scale", () => {
    expect(scaleBox({ x1: 10, y1: 150, x2: 20, y2: 160 }, transform, image)).toEqual({
      x1: 20,
      y1: 20,
      x2: 40,
      y2: 40,
    });
  });

  it("clips boxes that reach into the padding or past the image", () => {
    expect(scaleBox({ x1: -5, y1: 100, x2: 700, y2: 520 }, transform, image)).toEqual({
      x1: 0,
      y1: 0,
      x2: 1280,
      y2: 720,
    });
  });

  it("rounds through float32 like the reference tensors", () => {
    const t = letterboxTransformFor({ imageWidth: 810, imageHeight: 1080 });
    const box = scaleBox({ x1: 100.5, y1: 3, x2: 200, y2: 4 }, t, { width: 810, height: 1080 });
    expect(box.x1).toBe(Math.fround(Math.fround(100.5 - 80) / Math.fround(640 / 1080)));
  });
});
