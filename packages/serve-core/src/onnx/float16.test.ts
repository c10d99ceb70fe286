import { describe, expect, it } from "vitest";
import { float16ToFloat32, float32ToFloat16, fromFloat16Bits, toFloat16Bits } from "./float16.js";

const half = (value: number) => toFloat16Bits(value);

describe("float32ToFloat16", () => {
  it("converts exactly representable values", () => {
    expect(half(0)).toBe(0x0000);
    expect(half(-0)).toBe(0x8000);
    expect(half(1)).toBe(0x3c00);
    expect(half(-2)).toBe(0xc000);
    expect(half(0.5)).toBe(0x3800);
    expect(half(65504)).toBe(0x7bff); // largest finite half
    expect(half(2 ** -14)).toBe(0x0400); // smallest normal
    expect(half(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(half(1023 * 2 ** -24)).toBe(0x03ff); // largest subnormal
  });

  it("rounds to nearest, ties to even", () => {
    expect(half(0.1)).toBe(0x2e66);
    expect(half(1 + 2 ** -11)).toBe(0x3c00); // halfway between 0x3c00 and 0x3c01: even
    expect(half(1 + 3 * 2 ** -11)).toBe(0x3c02); // halfway between 0x3c01 and 0x3c02: even
    expect(half(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01); // just above halfway
    expect(half(2 ** -25)).toBe(0x0000); // half the smallest subnormal: ties to 0
    expect(half(2 ** -25 * (1 + 2 ** -20))).toBe(0x0001);
    expect(half(3 * 2 ** -25)).toBe(0x0002); // 1.5 subnormal units: even
    expect(half(2 ** -26)).toBe(0x0000);
    expect(half(-(2 ** -26))).toBe(0x8000);
    expect(half(2 ** -14 - 2 ** -26)).toBe(0x0400); // rounds up out of the subnormals
  });

  it("overflows to infinity from 65520 on, and keeps infinities and NaN", () => {
    expect(half(65519.99)).toBe(0x7bff);
    expect(half(65520)).toBe(0x7c00);
    expect(half(1e6)).toBe(0x7c00);
    expect(half(-1e6)).toBe(0xfc00);
    expect(half(Number.POSITIVE_INFINITY)).toBe(0x7c00);
    expect(half(Number.NEGATIVE_INFINITY)).toBe(0xfc00);
    const nan = half(Number.NaN);
    expect(nan & 0x7c00).toBe(0x7c00);
    expect(nan & 0x03ff).not.toBe(0);
    expect(float32ToFloat16(new Float32Array([1e-10, -1e-10]))).toEqual(
      new Uint16Array([0x0000, 0x8000]),
    );
  });

  it("writes into a given buffer and refuses one that is too short", () => {
    const out = new Uint16Array(3);
    expect(float32ToFloat16(new Float32Array([1, 2, 3]), out)).toBe(out);
    expect(Array.from(out)).toEqual([0x3c00, 0x4000, 0x4200]);
    expect(() => float32ToFloat16(new Float32Array(4), out)).toThrow(RangeError);
  });

  it("reads Float32Array views at an offset", () => {
    const backing = new Float32Array([9, 1, 2]);
    expect(Array.from(float32ToFloat16(backing.subarray(1)))).toEqual([0x3c00, 0x4000]);
  });
});

describe("float16ToFloat32", () => {
  it("decodes normals, subnormals, zeros, infinities and NaN", () => {
    const bits = new Uint16Array([0x3c00, 0xc000, 0x0001, 0x03ff, 0x8000, 0x7c00, 0xfc00, 0x7e00]);
    const values = float16ToFloat32(bits);
    expect(Array.from(values.subarray(0, 7))).toEqual([
      1,
      -2,
      2 ** -24,
      1023 * 2 ** -24,
      -0,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    ]);
    expect(values[7]).toBeNaN();
    expect(fromFloat16Bits(0x7bff)).toBe(65504);
  });

  it("round-trips every one of the 65536 bit patterns (NaNs stay NaN)", () => {
    const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const back = float32ToFloat16(float16ToFloat32(all));
    for (let h = 0; h < 65536; h++) {
      const nan = (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;
      if (nan) {
        expect((back[h]! & 0x7c00) === 0x7c00 && (back[h]! & 0x3ff) !== 0).toBe(true);
      } else if (back[h] !== h) {
        expect.fail(`0x${h.toString(16)} came back as 0x${back[h]!.toString(16)}`);
      }
    }
  });

  it("keeps float32 → float16 → float32 within half an ulp of float16", () => {
    let seed = 12345;
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const values = Float32Array.from(
      { length: 10_000 },
      () => (random() - 0.5) * 2 ** (random() * 26 - 12),
    );
    const back = float16ToFloat32(float32ToFloat16(values));
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      const tolerance = Math.max(Math.abs(v) * 2 ** -11, 2 ** -25);
      expect(Math.abs(back[i]! - v)).toBeLessThanOrEqual(tolerance);
    }
  });

  it("writes into a given buffer and refuses one that is too short", () => {
    const out = new Float32Array(2);
    expect(float16ToFloat32(new Uint16Array([0x3c00, 0x4000]), out)).toBe(out);
    expect(Array.from(out)).toEqual([1, 2]);
    expect(() => float16ToFloat32(new Uint16Array(3), out)).toThrow(RangeError);
  });
});
