import type { DecodedImage } from "./decode-image.js";
import { UNIT_SCALE } from "./hwc-to-nchw.js";
import {
  type LetterboxGeometry,
  type LetterboxGeometryOptions,
  letterboxGeometry,
} from "./letterbox-geometry.js";
import { resizeLinearIntoPlanes } from "./resize-linear.js";

/** Options of {@link letterbox}. */
export interface LetterboxOptions extends LetterboxGeometryOptions {
  /**
   * Grey level (0–255) of the padding, on all three channels.
   * @default 114
   */
  padValue?: number;
  /**
   * Buffer to write into (at least `3 × width × height` floats), reused across
   * calls to spare an allocation per request.
   * @default a new Float32Array
   */
  out?: Float32Array;
}

/** The letterboxed image as a model input, and where the image landed on it. */
export interface LetterboxResult extends LetterboxGeometry {
  /** NCHW float32 RGB scaled to 0–1, exactly `3 × height × width` long (a view of `out` when given). */
  tensor: Float32Array;
  /** `[1, 3, height, width]`. */
  dims: [1, 3, number, number];
}

/**
 * Letterboxes an RGB image exactly like Ultralytics YOLOv5 `letterbox(auto=False)`
 * on `cv2.imread` pixels — resize with OpenCV's INTER_LINEAR arithmetic (bit-exact),
 * pad with grey 114 — and writes the model input directly: NCHW float32 RGB / 255.
 *
 * To map boxes back the way YOLOv5's `scale_boxes` does, subtract
 * `(width - srcWidth * scale) / 2` (x) and `(height - srcHeight * scale) / 2` (y),
 * then divide by `scale`.
 *
 * @example
 * const image = await decodeImage(bytes);
 * const { tensor, dims, scale, padX, padY } = letterbox(image, { size: 640 });
 * const input = new Tensor("float32", tensor, dims);
 */
export function letterbox(image: DecodedImage, options: LetterboxOptions = {}): LetterboxResult {
  const { data, width: srcWidth, height: srcHeight } = image;
  if (data.length < srcWidth * srcHeight * 3) {
    throw new RangeError(
      `letterbox: image data has ${data.length} bytes, a ${srcWidth}×${srcHeight} RGB image needs ${srcWidth * srcHeight * 3}`,
    );
  }
  const geometry = letterboxGeometry(srcWidth, srcHeight, options);
  const { width, height, padX, padY, resizedWidth, resizedHeight } = geometry;
  const padValue = options.padValue ?? 114;
  if (!Number.isInteger(padValue) || padValue < 0 || padValue > 255) {
    throw new RangeError(`letterbox padValue must be an integer 0–255, got ${padValue}`);
  }
  const plane = width * height;
  const out = options.out ?? new Float32Array(3 * plane);
  if (out.length < 3 * plane) {
    throw new RangeError(
      `letterbox out has ${out.length} floats, a 3×${height}×${width} tensor needs ${3 * plane}`,
    );
  }
  const tensor = out.length === 3 * plane ? out : out.subarray(0, 3 * plane);

  fillPadding(tensor, geometry, UNIT_SCALE[padValue]!);
  resizeLinearIntoPlanes(data, srcWidth, srcHeight, resizedWidth, resizedHeight, {
    out: tensor,
    stride: width,
    plane,
    x0: padX,
    y0: padY,
  });
  return { ...geometry, tensor, dims: [1, 3, height, width] };
}

/** Fills the four borders around the resized image, leaving its area untouched. */
function fillPadding(out: Float32Array, g: LetterboxGeometry, value: number): void {
  const plane = g.width * g.height;
  const right = g.padX + g.resizedWidth;
  const bottom = g.padY + g.resizedHeight;
  for (let c = 0; c < 3; c++) {
    const base = c * plane;
    out.fill(value, base, base + g.padY * g.width);
    out.fill(value, base + bottom * g.width, base + plane);
    for (let y = g.padY; y < bottom; y++) {
      const row = base + y * g.width;
      if (g.padX > 0) out.fill(value, row, row + g.padX);
      if (right < g.width) out.fill(value, row + right, row + g.width);
    }
  }
}
