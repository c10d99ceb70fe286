import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { resizeLinearIntoPlanes } from "./resize-linear.js";

interface ResizeCases {
  opencv: string;
  cases: { src: [number, number]; dst: [number, number]; sha256: string }[];
}

/** Twin of noise_image() in reference/make-letterbox-fixture.py. */
function noiseImage(width: number, height: number): Uint8Array {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        let v = Math.imul(x, 0x9e3779b1) ^ Math.imul(y, 0x85ebca77) ^ Math.imul(c, 0xc2b2ae3d);
        v ^= v >>> 15;
        v = Math.imul(v, 0x2c1b3c6d);
        v ^= v >>> 12;
        data[(y * width + x) * 3 + c] = v >>> 24;
      }
    }
  }
  return data;
}

/** Runs the resize and reads the planes back as HWC bytes (checking each is byte / 255). */
function resize(src: Uint8Array, [sw, sh]: number[], [dw, dh]: number[]): Uint8Array {
  const plane = dw! * dh!;
  const out = new Float32Array(plane * 3);
  resizeLinearIntoPlanes(src, sw!, sh!, dw!, dh!, { out, stride: dw!, plane, x0: 0, y0: 0 });
  const bytes = new Uint8Array(plane * 3);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) {
      const value = out[c * plane + i]!;
      const byte = Math.round(value * 255);
      if (value !== Math.fround(byte / 255)) expect.fail(`${value} is not a byte / 255`);
      bytes[i * 3 + c] = byte;
    }
  }
  return bytes;
}

describe("resizeLinearIntoPlanes", () => {
  const { opencv, cases } = JSON.parse(
    readFileSync(new URL("./fixtures/resize-cases.json", import.meta.url), "utf8"),
  ) as ResizeCases;

  for (const { src, dst, sha256 } of cases) {
    it(`matches cv2.resize INTER_LINEAR (OpenCV ${opencv}) bit for bit, ${src.join("×")} → ${dst.join("×")}`, () => {
      const bytes = resize(noiseImage(src[0], src[1]), src, dst);
      expect(createHash("sha256").update(bytes).digest("hex")).toBe(sha256);
    });
  }

  it("places the result at an offset inside a larger canvas, leaving the rest alone", () => {
    const src = noiseImage(9, 7);
    const plane = 20 * 10;
    const out = new Float32Array(plane * 3).fill(-1);
    resizeLinearIntoPlanes(src, 9, 7, 6, 5, { out, stride: 20, plane, x0: 3, y0: 2 });
    const alone = resize(src, [9, 7], [6, 5]);
    expect(out[0]).toBe(-1);
    expect(out[2 * 20 + 3]).toBe(Math.fround(alone[0]! / 255));
    expect(out[plane + 6 * 20 + 8]).toBe(Math.fround(alone[(4 * 6 + 5) * 3 + 1]! / 255));
    expect(out[6 * 20 + 9]).toBe(-1);
    expect(out.filter((v) => v !== -1).length).toBe(6 * 5 * 3);
  });

  it("keeps working after a huge image grew (and dropped) the kernels' memory", () => {
    const big = new Uint8Array(6000 * 4000 * 3).fill(200); // 72 MB: past the 64 MB kept
    const plane = 60 * 40;
    const out = new Float32Array(plane * 3);
    resizeLinearIntoPlanes(big, 6000, 4000, 60, 40, { out, stride: 60, plane, x0: 0, y0: 0 });
    expect(out.every((v) => v === Math.fround(200 / 255))).toBe(true);
    const [first] = cases;
    const bytes = resize(noiseImage(first!.src[0], first!.src[1]), first!.src, first!.dst);
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(first!.sha256);
  });
});
