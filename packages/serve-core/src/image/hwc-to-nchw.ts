/**
 * `i / 255` as float32 for every byte: the same values as PyTorch's
 * `tensor.float() / 255` (checked against numpy float32 division for all 256).
 */
export const UNIT_SCALE: Float32Array = Float32Array.from({ length: 256 }, (_, i) => i / 255);

/** Where {@link writeHwcIntoPlanes} puts pixels: a 3-plane float32 canvas. */
export interface PlanarCanvas {
  /** Destination, at least `3 * plane` floats. */
  out: Float32Array;
  /** Row stride of one plane (canvas width). */
  stride: number;
  /** Floats per plane (canvas width × height). */
  plane: number;
  /** Column of the canvas where pixel (0, 0) goes. */
  x0: number;
  /** Row of the canvas where pixel (0, 0) goes. */
  y0: number;
}

/** Scatters interleaved RGB bytes into three float planes, as byte / 255. */
export function writeHwcIntoPlanes(
  data: Uint8Array,
  width: number,
  height: number,
  canvas: PlanarCanvas,
): void {
  const { out, stride, plane } = canvas;
  const lut = UNIT_SCALE;
  const p1 = plane;
  const p2 = 2 * plane;
  for (let y = 0; y < height; y++) {
    let s = y * width * 3;
    let d = (canvas.y0 + y) * stride + canvas.x0;
    const end = d + width;
    for (; d < end; d++, s += 3) {
      out[d] = lut[data[s]!]!;
      out[d + p1] = lut[data[s + 1]!]!;
      out[d + p2] = lut[data[s + 2]!]!;
    }
  }
}

/**
 * Converts interleaved 8-bit RGB (HWC) to planar float32 scaled to 0–1 (NCHW, N = 1),
 * the input layout of most vision models.
 *
 * @example
 * const { data, width, height } = await decodeImage(bytes);
 * const tensor = hwcToNchwFloat32(data, width, height); // length 3 * width * height
 */
export function hwcToNchwFloat32(
  data: Uint8Array,
  width: number,
  height: number,
  out?: Float32Array,
): Float32Array {
  const plane = width * height;
  if (data.length < plane * 3) {
    throw new RangeError(
      `hwcToNchwFloat32: data has ${data.length} bytes, a ${width}×${height} RGB image needs ${plane * 3}`,
    );
  }
  const target = out ?? new Float32Array(plane * 3);
  if (target.length < plane * 3) {
    throw new RangeError(
      `hwcToNchwFloat32: out has ${target.length} floats, a ${width}×${height} image needs ${plane * 3}`,
    );
  }
  writeHwcIntoPlanes(data, width, height, { out: target, stride: width, plane, x0: 0, y0: 0 });
  return target;
}
