import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { sharedImage } from "../test-support/images.js";
import { decodeImage } from "./decode-image.js";
import { hwcToNchwFloat32 } from "./hwc-to-nchw.js";
import { letterbox } from "./letterbox.js";
import { letterboxGeometry, roundHalfEven } from "./letterbox-geometry.js";

interface LetterboxFixture {
  letterbox: {
    shape: [number, number, number];
    ratio: number;
    newUnpad: [number, number];
    top: number;
    left: number;
    sha256: string;
  };
  pixels: [number, number, number, number, number][];
}

function fixture(name: string): LetterboxFixture {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8"));
}

/** The letterboxed tensor back as HWC RGB bytes (exact: every value is byte / 255 in float32). */
function toBytes(tensor: Float32Array, width: number, height: number): Uint8Array {
  const plane = width * height;
  const bytes = new Uint8Array(plane * 3);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) bytes[i * 3 + c] = Math.round(tensor[c * plane + i]! * 255);
  }
  return bytes;
}

function solidImage(width: number, height: number, rgb: [number, number, number]) {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = rgb[i % 3]!;
  return { data, width, height };
}

describe("letterbox", () => {
  // Measured against OpenCV 4.14 (opencv-python-headless, cv2.imread + Ultralytics letterbox):
  // 0 of 2048 sampled pixels differ by ±1 on bus.jpg and on zidane.jpg, and the full
  // 640×640×3 buffers are byte-identical (sha256 below).
  for (const [image, fixtureName] of [
    ["bus.jpg", "bus.letterbox.json"],
    ["zidane.jpg", "zidane.letterbox.json"],
  ] as const) {
    it(`reproduces Ultralytics letterbox on cv2.imread pixels for ${image}`, async () => {
      const expected = fixture(fixtureName);
      const result = letterbox(await decodeImage(sharedImage(image)));
      const [height, width] = expected.letterbox.shape;
      expect(result.dims).toEqual([1, 3, height, width]);
      expect(result.scale).toBe(expected.letterbox.ratio);
      expect([result.resizedWidth, result.resizedHeight]).toEqual(expected.letterbox.newUnpad);
      expect([result.padX, result.padY]).toEqual([expected.letterbox.left, expected.letterbox.top]);

      const bytes = toBytes(result.tensor, width, height);
      let offByOne = 0;
      for (const [y, x, ...rgb] of expected.pixels) {
        const i = (y * width + x) * 3;
        for (let c = 0; c < 3; c++) {
          const diff = Math.abs(bytes[i + c]! - rgb[c]!);
          expect(diff, `pixel (${x}, ${y}) channel ${c}`).toBeLessThanOrEqual(1);
          if (diff === 1) offByOne++;
        }
      }
      expect(offByOne).toBe(0);
      expect(createHash("sha256").update(bytes).digest("hex")).toBe(expected.letterbox.sha256);
    });
  }

  it("passes a 640×640 image through unresized, as byte / 255 in float32", () => {
    const image = solidImage(640, 640, [0, 128, 255]);
    image.data[3 * (640 * 10 + 20) + 1] = 7;
    const { tensor, padX, padY, scale, resizedWidth } = letterbox(image);
    expect([padX, padY, scale, resizedWidth]).toEqual([0, 0, 1, 640]);
    const plane = 640 * 640;
    expect(tensor[0]).toBe(0);
    expect(tensor[plane]).toBe(Math.fround(128 / 255));
    expect(tensor[2 * plane]).toBe(1);
    expect(tensor[plane + 640 * 10 + 20]).toBe(Math.fround(7 / 255));
  });

  it("pads with grey 114 (or padValue) around the resized image", () => {
    const image = solidImage(320, 160, [255, 0, 0]); // 2:1, scaled up to 640×320
    const { tensor, padY, resizedHeight } = letterbox(image, { padValue: 114 });
    expect([padY, resizedHeight]).toEqual([160, 320]);
    const plane = 640 * 640;
    const grey = Math.fround(114 / 255);
    for (const y of [0, 159, 480, 639]) {
      expect([
        tensor[y * 640],
        tensor[plane + y * 640 + 5],
        tensor[2 * plane + y * 640 + 639],
      ]).toEqual([grey, grey, grey]);
    }
    for (const y of [160, 300, 479]) {
      expect([
        tensor[y * 640 + 3],
        tensor[plane + y * 640 + 3],
        tensor[2 * plane + y * 640 + 3],
      ]).toEqual([1, 0, 0]);
    }
    const black = letterbox(image, { padValue: 0 }).tensor;
    expect(black[0]).toBe(0);
  });

  it("writes into a reused buffer, returning a view of exactly 3 × H × W floats", () => {
    const out = new Float32Array(3 * 64 * 64 + 10);
    const first = letterbox(solidImage(50, 20, [1, 2, 3]), { size: 64, out });
    expect(first.tensor.buffer).toBe(out.buffer);
    expect(first.tensor.length).toBe(3 * 64 * 64);
    expect(() => letterbox(solidImage(50, 20, [1, 2, 3]), { out: new Float32Array(10) })).toThrow(
      RangeError,
    );
  });

  it("letterboxes to a rectangle", () => {
    const result = letterbox(solidImage(100, 100, [9, 9, 9]), { size: { width: 64, height: 32 } });
    expect(result.dims).toEqual([1, 3, 32, 64]);
    expect([result.resizedWidth, result.resizedHeight, result.padX, result.padY]).toEqual([
      32, 32, 16, 0,
    ]);
  });
});

describe("letterboxGeometry", () => {
  it("rounds like Python: new_unpad ties go to even, padding splits round(d ± 0.1)", () => {
    expect(roundHalfEven(360.5)).toBe(360);
    expect(roundHalfEven(361.5)).toBe(362);
    expect(roundHalfEven(2.5)).toBe(2);
    // 1280×721: r = 0.5, 721 × 0.5 = 360.5 → 360 (Python), not 361.
    expect(letterboxGeometry(1280, 721)).toMatchObject({ resizedHeight: 360, padY: 140 });
    // 1000×999: 639.36 → 639 rows, 1 row of padding: none on top, one at the bottom.
    expect(letterboxGeometry(1000, 999)).toMatchObject({ resizedHeight: 639, padY: 0 });
    // 999×1000: padding 1 column, goes right.
    expect(letterboxGeometry(999, 1000)).toMatchObject({ resizedWidth: 639, padX: 0 });
    // 1000×997: 638.08 → 638 rows, 2 rows of padding: one each side.
    expect(letterboxGeometry(1000, 997)).toMatchObject({ resizedHeight: 638, padY: 1 });
  });

  it("keeps small images small with scaleUp: false", () => {
    expect(letterboxGeometry(320, 240, { scaleUp: false })).toMatchObject({
      scale: 1,
      resizedWidth: 320,
      padX: 160,
      padY: 200,
    });
  });

  it("refuses images too thin to letterbox", () => {
    expect(() => letterboxGeometry(10_000, 1)).toThrow(/too narrow/);
  });
});

describe("hwcToNchwFloat32", () => {
  it("splits interleaved RGB into planes scaled to 0–1", () => {
    const data = Uint8Array.from([255, 0, 51, 0, 255, 102]); // 2×1
    expect(Array.from(hwcToNchwFloat32(data, 2, 1))).toEqual(
      [1, 0, 0, 1, 0.2, 0.4].map((v) => Math.fround(v)),
    );
    expect(() => hwcToNchwFloat32(data, 3, 1)).toThrow(RangeError);
  });
});
