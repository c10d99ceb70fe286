import { type PlanarCanvas, writeHwcIntoPlanes } from "./hwc-to-nchw.js";
import { roundHalfEven } from "./letterbox-geometry.js";
import { layout, withResizeKernels } from "./wasm/resize-kernels.js";

// Reproduces OpenCV's cv2.resize(src, (w, h), interpolation=INTER_LINEAR) on
// 8-bit 3-channel images bit for bit (imgproc/src/resize.cpp):
// - coordinates: half-pixel centres, `fx = (float)((dx + 0.5) * scale - 0.5)` in
//   single precision, with `scale = 1 / (dst / src)` in double;
// - horizontal clamping moves the tap (fx = 0); vertical clamping only clips the
//   row index and keeps the weights;
// - weights are quantised to 11 bits (INTER_RESIZE_COEF_BITS) with cvRound
//   (ties to even); the horizontal pass keeps exact int sums;
// - the vertical pass rounds like OpenCV's SIMD kernel (VResizeLinearVec_32s8u),
//   `((S0 >> 4) * b0 >> 16) + ((S1 >> 4) * b1 >> 16) + 2 >> 2`, not like the
//   textbook `(S0 * b0 + S1 * b1 + 2^21) >> 22`. opencv-python 4.14 uses it for every
//   value of a row, tails included (checked on 259 random sizes, 1–300 px);
// - an exact 2× reduction on both axes switches to INTER_AREA, which averages
//   2×2 blocks with `(a + b + c + d + 2) >> 2`.
// The tables are computed here; the loops run in WebAssembly SIMD
// (wasm/resize-kernels.wat), about 3× faster than the same loops in JS.

const COEF_SCALE = 1 << 11;
const CN = 3;
const DBL_EPSILON = 2.220446049250313e-16;
/** Bytes past the image the kernels may read (8-byte loads of the last pixel). */
const SRC_SLACK = 16;

/**
 * Resizes interleaved RGB bytes to `dstWidth × dstHeight` exactly like OpenCV's
 * INTER_LINEAR and writes the result into the planes of `canvas` as byte / 255
 * in float32 (what `tensor.float() / 255` gives).
 */
export function resizeLinearIntoPlanes(
  src: Uint8Array,
  srcWidth: number,
  srcHeight: number,
  dstWidth: number,
  dstHeight: number,
  canvas: PlanarCanvas,
): void {
  if (srcWidth === dstWidth && srcHeight === dstHeight) {
    writeHwcIntoPlanes(src, srcWidth, srcHeight, canvas);
    return;
  }
  const scaleX = 1 / (dstWidth / srcWidth);
  const scaleY = 1 / (dstHeight / srcHeight);
  const halving = isExactHalving(scaleX) && isExactHalving(scaleY);
  const stride = (dstWidth + 3) & ~3;
  const planeFloats = stride * dstHeight;
  const { offsets, total } = layout([
    src.length + SRC_SLACK, // source image
    planeFloats * 3 * 4, // output planes
    halving ? 0 : dstWidth * 4, // per-column tap offset
    halving ? 0 : dstWidth * 16, // per-column weights (i16 × 8)
    halving ? 0 : dstHeight * 16, // per-row (y0, y1, b0, b1)
    halving ? 0 : stride * CN * 4 * 2, // two row buffers
  ]);
  const [srcAt, outAt, offsetsAt, weightsAt, rowsAt, buffersAt] = offsets as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  withResizeKernels(total, (kernels) => {
    const memory = kernels.memory.buffer;
    new Uint8Array(memory, srcAt, src.length).set(src);
    if (halving) {
      kernels.halve(srcAt, srcWidth, dstWidth, stride, dstHeight, outAt);
    } else {
      columnTaps(srcWidth, dstWidth, scaleX, memory, offsetsAt, weightsAt);
      rowTaps(srcHeight, dstHeight, scaleY, memory, rowsAt);
      kernels.bilinear(
        srcAt,
        srcWidth,
        offsetsAt,
        weightsAt,
        dstWidth,
        stride,
        rowsAt,
        dstHeight,
        buffersAt,
        outAt,
      );
    }
    copyPlanes(
      new Float32Array(memory, outAt, planeFloats * 3),
      stride,
      dstWidth,
      dstHeight,
      canvas,
    );
  });
}

function isExactHalving(scale: number): boolean {
  const integer = roundHalfEven(scale);
  return integer === 2 && Math.abs(scale - integer) < DBL_EPSILON;
}

/** Per output column: left-tap byte offset, and weights as i16 lanes (a0, a1) × 3, 0, 0. */
function columnTaps(
  srcWidth: number,
  dstWidth: number,
  scaleX: number,
  memory: ArrayBuffer,
  offsetsAt: number,
  weightsAt: number,
): void {
  const offsets = new Int32Array(memory, offsetsAt, dstWidth);
  const weights = new Int16Array(memory, weightsAt, dstWidth * 8);
  for (let dx = 0; dx < dstWidth; dx++) {
    let fx = Math.fround((dx + 0.5) * scaleX - 0.5);
    let sx = Math.floor(fx);
    fx = Math.fround(fx - sx);
    if (sx < 0) {
      fx = 0;
      sx = 0;
    }
    if (sx + 1 >= srcWidth) {
      fx = 0;
      sx = srcWidth - 1;
    }
    offsets[dx] = sx * CN;
    const a0 = roundHalfEven(Math.fround(1 - fx) * COEF_SCALE);
    const a1 = roundHalfEven(fx * COEF_SCALE);
    const w = dx * 8;
    weights[w] = weights[w + 2] = weights[w + 4] = a0;
    weights[w + 1] = weights[w + 3] = weights[w + 5] = a1;
    weights[w + 6] = weights[w + 7] = 0;
  }
}

/** Per output row: the two source rows (clipped) and their weights. */
function rowTaps(
  srcHeight: number,
  dstHeight: number,
  scaleY: number,
  memory: ArrayBuffer,
  rowsAt: number,
): void {
  const rows = new Int32Array(memory, rowsAt, dstHeight * 4);
  const last = srcHeight - 1;
  for (let dy = 0; dy < dstHeight; dy++) {
    let fy = Math.fround((dy + 0.5) * scaleY - 0.5);
    const sy = Math.floor(fy);
    fy = Math.fround(fy - sy);
    rows[dy * 4] = Math.min(Math.max(sy, 0), last);
    rows[dy * 4 + 1] = Math.min(Math.max(sy + 1, 0), last);
    rows[dy * 4 + 2] = roundHalfEven(Math.fround(1 - fy) * COEF_SCALE);
    rows[dy * 4 + 3] = roundHalfEven(fy * COEF_SCALE);
  }
}

/** Copies the kernels' planes (row stride `stride`) into the canvas at (x0, y0). */
function copyPlanes(
  planes: Float32Array,
  stride: number,
  width: number,
  height: number,
  canvas: PlanarCanvas,
): void {
  const { out, plane } = canvas;
  for (let c = 0; c < CN; c++) {
    const from = c * stride * height;
    const to = c * plane + canvas.y0 * canvas.stride + canvas.x0;
    if (stride === width && canvas.stride === width) {
      out.set(planes.subarray(from, from + width * height), to);
      continue;
    }
    for (let y = 0; y < height; y++) {
      const row = from + y * stride;
      out.set(planes.subarray(row, row + width), to + y * canvas.stride);
    }
  }
}
