// IEEE 754 binary16 <-> binary32 on bit patterns.
//
// float32 -> float16: values in the normal half range take a branch of plain
// integer ops (rebias the exponent, round the mantissa); zero, subnormal,
// overflow and NaN go through three 512-entry tables indexed by sign + exponent:
// the half's sign/exponent base, the right shift that drops the extra mantissa
// bits, and the implicit leading 1 for results that become subnormal. Rounding
// is to nearest, ties to even: add (half ulp - 1) plus the lowest kept bit
// before shifting; a carry out of the mantissa bumps the exponent (up to
// infinity). Checked against numpy's astype(float16) on all 2^32 inputs (NaNs
// aside: numpy keeps a signalling payload, this quiets it like x86 F16C does).
// float16 -> float32 is one lookup in a 65536-entry table.

const F32_VIEW = new Float32Array(1);
const U32_VIEW = new Uint32Array(F32_VIEW.buffer);

const BASE = new Uint16Array(512);
const SHIFT = new Uint8Array(512);
const IMPLICIT = new Uint32Array(512);
const BIAS = new Uint32Array(512);

for (let i = 0; i < 256; i++) {
  const e = i - 127; // unbiased float32 exponent (i = 0: zero / subnormal float32)
  let base: number;
  let shift: number;
  let implicit = 0;
  if (i === 255 || e > 15) {
    base = 0x7c00; // overflow to infinity (NaN is handled separately)
    shift = 25;
  } else if (e >= -14) {
    base = (e + 15) << 10; // normal half
    shift = 13;
  } else if (e >= -25) {
    base = 0; // subnormal half: value = (1.m) * 2^e, in units of 2^-24
    shift = -1 - e; // 13 + (-14 - e)
    implicit = 0x800000;
  } else {
    base = 0; // below half of the smallest subnormal: zero
    shift = 25;
  }
  for (const sign of [0, 1]) {
    const index = i | (sign << 8);
    BASE[index] = base | (sign << 15);
    SHIFT[index] = shift;
    IMPLICIT[index] = implicit;
    BIAS[index] = (1 << (shift - 1)) - 1;
  }
}

let halfToFloatBits: Int32Array | undefined;

/** float32 bit pattern (as int32) of every float16 bit pattern; 256 KiB, built on first use. */
function halfTable(): Int32Array {
  if (halfToFloatBits !== undefined) return halfToFloatBits;
  const table = new Int32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = (h & 0x8000) << 16;
    const exponent = (h >> 10) & 0x1f;
    const mantissa = h & 0x3ff;
    let bits: number;
    if (exponent === 0x1f) {
      bits = 0x7f800000 | (mantissa << 13); // infinity, or NaN keeping its payload
    } else if (exponent !== 0) {
      bits = ((exponent + 112) << 23) | (mantissa << 13);
    } else if (mantissa === 0) {
      bits = 0;
    } else {
      // Subnormal half: mantissa * 2^-24, exactly representable as a normal float32.
      F32_VIEW[0] = mantissa * 2 ** -24;
      bits = U32_VIEW[0]!;
    }
    table[h] = sign | bits;
  }
  halfToFloatBits = table;
  return table;
}

/** Rounds one float32 bit pattern to a float16 bit pattern (nearest, ties to even). */
function roundToHalf(x: number): number {
  const index = x >>> 23;
  if ((x & 0x7fffffff) > 0x7f800000) return ((x >>> 16) & 0x8000) | 0x7e00 | ((x >>> 13) & 0x3ff);
  const shift = SHIFT[index]!;
  const m = (x & 0x7fffff) | IMPLICIT[index]!;
  return BASE[index]! + ((m + BIAS[index]! + ((m >>> shift) & 1)) >>> shift);
}

/**
 * Converts float32 values to IEEE float16 bit patterns (`Uint16Array`), rounding to
 * nearest-even; overflow gives ±Infinity, NaN stays NaN, tiny values become
 * subnormals or ±0. This is what a `float16` ONNX tensor holds on Node 20.
 *
 * @example
 * const half = float32ToFloat16(new Float32Array([1, 0.1, 65520]));
 * // Uint16Array [0x3c00, 0x2e66, 0x7c00]
 */
export function float32ToFloat16(src: Float32Array, out?: Uint16Array): Uint16Array {
  const dst = out ?? new Uint16Array(src.length);
  if (dst.length < src.length) {
    throw new RangeError(`float32ToFloat16: out has ${dst.length} elements, needs ${src.length}`);
  }
  const bits = new Uint32Array(src.buffer, src.byteOffset, src.length);
  for (let i = 0; i < bits.length; i++) {
    const x = bits[i]!;
    const a = x & 0x7fffffff;
    if (a >= 0x38800000 && a < 0x47800000) {
      // Normal half (or a carry up to infinity): rebias the exponent, round the mantissa.
      dst[i] = ((x >>> 16) & 0x8000) | ((a - 0x38000000 + 0xfff + ((a >>> 13) & 1)) >>> 13);
    } else if (a === 0) {
      dst[i] = (x >>> 16) & 0x8000;
    } else {
      dst[i] = roundToHalf(x);
    }
  }
  return dst;
}

/**
 * Converts IEEE float16 bit patterns to float32 values, exactly (every half is a float).
 *
 * @example
 * const output = results.output0; // a float16 tensor
 * const values = float16ToFloat32(output.data as Uint16Array);
 */
export function float16ToFloat32(src: Uint16Array, out?: Float32Array): Float32Array {
  const dst = out ?? new Float32Array(src.length);
  if (dst.length < src.length) {
    throw new RangeError(`float16ToFloat32: out has ${dst.length} elements, needs ${src.length}`);
  }
  // Int32 views on both sides keep V8 on its integer fast path (Uint32 values ≥ 2^31 are not).
  const table = halfTable();
  const bits = new Int32Array(dst.buffer, dst.byteOffset, src.length);
  for (let i = 0; i < src.length; i++) bits[i] = table[src[i]!]!;
  return dst;
}

/**
 * One float as its nearest float16 bit pattern.
 *
 * @example
 * toFloat16Bits(1); // 0x3c00
 */
export function toFloat16Bits(value: number): number {
  F32_VIEW[0] = value;
  return roundToHalf(U32_VIEW[0]!);
}

/**
 * One float16 bit pattern as a number.
 *
 * @example
 * fromFloat16Bits(0x3c00); // 1
 */
export function fromFloat16Bits(bits: number): number {
  U32_VIEW[0] = halfTable()[bits & 0xffff]! >>> 0;
  return F32_VIEW[0]!;
}
