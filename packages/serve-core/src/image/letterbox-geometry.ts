/** Target canvas of a letterbox: a square side, or explicit width and height. */
export type LetterboxSize = number | { width: number; height: number };

/** Where a letterbox puts an image on its canvas. */
export interface LetterboxGeometry {
  /** Canvas width. */
  width: number;
  /** Canvas height. */
  height: number;
  /** Resize ratio applied to both axes (`r` in Ultralytics). */
  scale: number;
  /** Width of the image after resizing, before padding. */
  resizedWidth: number;
  /** Height of the image after resizing, before padding. */
  resizedHeight: number;
  /** Columns of padding on the left (where the resized image starts). */
  padX: number;
  /** Rows of padding on the top (where the resized image starts). */
  padY: number;
}

/** Options of {@link letterboxGeometry}. */
export interface LetterboxGeometryOptions {
  /**
   * Canvas size: a square side or `{ width, height }`.
   * @default 640
   */
  size?: LetterboxSize;
  /**
   * Whether images smaller than the canvas are enlarged (Ultralytics `scaleup`).
   * @default true
   */
  scaleUp?: boolean;
}

/**
 * Python's `round()` for floats: nearest integer, ties to even.
 * Ultralytics' letterbox relies on it (`round(424.5) == 424`).
 */
export function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const diff = value - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * Computes the placement of Ultralytics YOLOv5 `letterbox(im, new_shape, auto=False)`:
 * scale to fit, round with Python's banker's rounding, centre with the same
 * `round(d ± 0.1)` split of the padding.
 *
 * @example
 * letterboxGeometry(810, 1080);
 * // { width: 640, height: 640, scale: 0.5925…, resizedWidth: 480, resizedHeight: 640, padX: 80, padY: 0 }
 */
export function letterboxGeometry(
  srcWidth: number,
  srcHeight: number,
  options: LetterboxGeometryOptions = {},
): LetterboxGeometry {
  const size = options.size ?? 640;
  const width = typeof size === "number" ? size : size.width;
  const height = typeof size === "number" ? size : size.height;
  for (const [name, value] of [
    ["size width", width],
    ["size height", height],
    ["image width", srcWidth],
    ["image height", srcHeight],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(`letterbox ${name} must be a positive integer, got ${value}`);
    }
  }
  let scale = Math.min(height / srcHeight, width / srcWidth);
  if (options.scaleUp === false) scale = Math.min(scale, 1);
  const resizedWidth = roundHalfEven(srcWidth * scale);
  const resizedHeight = roundHalfEven(srcHeight * scale);
  if (resizedWidth < 1 || resizedHeight < 1) {
    throw new RangeError(
      `a ${srcWidth}×${srcHeight} image is too narrow to letterbox into ${width}×${height} (it would be ${resizedWidth}×${resizedHeight})`,
    );
  }
  const dw = (width - resizedWidth) / 2;
  const dh = (height - resizedHeight) / 2;
  return {
    width,
    height,
    scale,
    resizedWidth,
    resizedHeight,
    padX: roundHalfEven(dw - 0.1),
    padY: roundHalfEven(dh - 0.1),
  };
}
