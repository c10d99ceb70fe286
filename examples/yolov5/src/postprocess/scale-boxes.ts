/**
 * How model-input pixels relate to original-image pixels:
 * `input = original × scale + pad`.
 */
export interface LetterboxTransform {
  scale: number;
  padX: number;
  padY: number;
}

/** An axis-aligned box in corner form, in pixels. */
export interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** Options for {@link letterboxTransformFor}. */
export interface LetterboxTransformOptions {
  imageWidth: number;
  imageHeight: number;
  /** Side of the square model input. @default 640 */
  inputSize?: number;
}

/**
 * The transform YOLOv5's `scale_boxes` derives from the two shapes: gain =
 * min(size / height, size / width), padding = half the leftover space on
 * each axis. The padding is deliberately not rounded — YOLOv5 keeps the
 * fraction even though the letterboxed image was padded by whole pixels
 * (the rounded form is the later `ultralytics` package's).
 *
 * @example
 * letterboxTransformFor({ imageWidth: 810, imageHeight: 1080 });
 * // { scale: 0.5925…, padX: 80, padY: 0 }
 */
export function letterboxTransformFor(options: LetterboxTransformOptions): LetterboxTransform {
  const { imageWidth, imageHeight } = options;
  const size = options.inputSize ?? 640;
  if (!(imageWidth > 0 && imageHeight > 0)) {
    throw new RangeError(
      `image size must be positive, got ${imageWidth}×${imageHeight} (width×height)`,
    );
  }
  const scale = Math.min(size / imageHeight, size / imageWidth);
  return {
    scale,
    padX: (size - imageWidth * scale) / 2,
    padY: (size - imageHeight * scale) / 2,
  };
}

const f32 = Math.fround;

/** Width and height of the original image, in pixels. */
export interface ImageSize {
  width: number;
  height: number;
}

/**
 * Maps a corner-form box from model-input pixels back onto the original
 * image and clips it to the image, as `scale_boxes` + `clip_boxes` do
 * (subtract padding, divide by gain, in float32 like the reference tensors).
 *
 * @example
 * scaleBox({ x1: 100, y1: 0, x2: 700, y2: 10 }, transform, { width: 810, height: 1080 });
 */
export function scaleBox(box: Box, transform: LetterboxTransform, image: ImageSize): Box {
  const padX = f32(transform.padX);
  const padY = f32(transform.padY);
  const scale = f32(transform.scale);
  const toX = (x: number) => clamp(f32(f32(x - padX) / scale), image.width);
  const toY = (y: number) => clamp(f32(f32(y - padY) / scale), image.height);
  return { x1: toX(box.x1), y1: toY(box.y1), x2: toX(box.x2), y2: toY(box.y2) };
}

function clamp(value: number, max: number): number {
  return Math.min(Math.max(value, 0), max);
}
