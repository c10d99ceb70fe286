import type sharp from "sharp";
import { invalidField } from "../errors.js";
import { loadSharp } from "./load-sharp.js";

/** Interleaved 8-bit RGB pixels (HWC), `width × height × 3` bytes. */
export interface DecodedImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Options of {@link decodeImage}. */
export interface DecodeImageOptions {
  /**
   * Largest accepted `width × height`, checked from the header before any pixel is
   * decoded (decompression bombs).
   * @default 50_000_000
   */
  maxPixels?: number;
  /**
   * Input field named in errors, e.g. `"image"` or `["images", 2]`.
   * @default "image"
   */
  field?: string | readonly (string | number)[];
}

/** Raster formats accepted; vector ones (SVG, PDF) are refused: costly to render, larger attack surface. */
const RASTER_FORMATS = new Set(["jpeg", "png", "webp", "gif", "tiff", "heif", "jp2"]);
const FORMAT_NAMES = "JPEG, PNG, WebP, GIF, TIFF or AVIF";

/**
 * Decodes an image to 8-bit RGB with the pixels `cv2.imread(path, IMREAD_COLOR)`
 * gives (in RGB order): EXIF orientation applied, embedded ICC profiles ignored
 * (no colour conversion), grey replicated to RGB, alpha dropped without compositing,
 * CMYK converted with OpenCV's formula, 16-bit reduced to the high byte.
 * Throws an INVALID_INPUT `ServeError` naming `field` for empty, unknown,
 * corrupt, truncated or oversized images.
 *
 * @example
 * const { data, width, height } = await decodeImage(input.image.bytes, { maxPixels: 40e6 });
 */
export async function decodeImage(
  bytes: Uint8Array,
  options: DecodeImageOptions = {},
): Promise<DecodedImage> {
  const field = options.field ?? "image";
  const path = typeof field === "string" ? [field] : [...field];
  const maxPixels = options.maxPixels ?? 50_000_000;
  if (!(maxPixels >= 1)) throw new RangeError(`maxPixels must be at least 1, got ${maxPixels}`);
  if (bytes.length === 0) {
    throw invalidField(path, `is empty; expected the bytes of a ${FORMAT_NAMES} image`);
  }

  const decoder = await loadSharp();
  // JPEG and PNG (nearly every request) start decoding while the header is checked;
  // the pixel limit stops a bomb either way, and CMYK (rare) is decoded again.
  const early = isJpegOrPng(bytes) ? decodePixels(decoder, bytes, maxPixels, false) : undefined;
  early?.catch(() => {}); // its failure is reported below, or it is not used

  let metadata: sharp.Metadata;
  try {
    // No pixel limit here: the header is all metadata() reads, and the check below says more.
    metadata = await decoder(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    const why = reason(error);
    throw invalidField(
      path,
      /unsupported image format/i.test(why)
        ? `is not a ${FORMAT_NAMES} image (${why})`
        : `could not be decoded: corrupt or truncated (${why})`,
    );
  }
  const { format, width, height } = metadata;
  if (format === undefined || !RASTER_FORMATS.has(format)) {
    throw invalidField(path, `is a ${format ?? "unknown"} file; expected a ${FORMAT_NAMES} image`);
  }
  if (width === undefined || height === undefined || width < 1 || height < 1) {
    throw invalidField(path, `has no valid dimensions; expected a ${FORMAT_NAMES} image`);
  }
  if (width * height > maxPixels) {
    throw invalidField(
      path,
      `is ${width}×${height} (${megapixels(width * height)} megapixels); at most ${megapixels(maxPixels)} megapixels are accepted`,
    );
  }

  const cmyk = metadata.space === "cmyk";
  let raw: { data: Buffer; info: sharp.OutputInfo };
  try {
    raw = await (early !== undefined && !cmyk
      ? early
      : decodePixels(decoder, bytes, maxPixels, cmyk));
  } catch (error) {
    throw invalidField(path, `could not be decoded: corrupt or truncated (${reason(error)})`);
  }
  const { info } = raw;
  const data = new Uint8Array(raw.data.buffer, raw.data.byteOffset, raw.data.length);
  return {
    data: toRgb(data, info.width * info.height, info.channels, cmyk),
    width: info.width,
    height: info.height,
  };
}

/** Decodes to raw 8-bit pixels as cv2.imread sees them (channels still as stored). */
function decodePixels(
  decoder: typeof sharp,
  bytes: Uint8Array,
  maxPixels: number,
  cmyk: boolean,
): Promise<{ data: Buffer; info: sharp.OutputInfo }> {
  let pipeline = decoder(bytes, {
    failOn: "truncated",
    limitInputPixels: Math.floor(maxPixels),
    autoOrient: true,
    ignoreIcc: true,
  });
  // Without this, sharp converts CMYK through an ICC profile; OpenCV uses a plain formula.
  if (cmyk) pipeline = pipeline.pipelineColourspace("cmyk").toColourspace("cmyk");
  return pipeline.raw({ depth: "uchar" }).toBuffer({ resolveWithObject: true });
}

function isJpegOrPng(bytes: Uint8Array): boolean {
  const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  const png = bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
  return jpeg || png;
}

/** Brings 1–4 channel pixels to interleaved RGB, as OpenCV's IMREAD_COLOR does. */
function toRgb(data: Uint8Array, pixels: number, channels: number, cmyk: boolean): Uint8Array {
  if (channels === 3) return data;
  const rgb = new Uint8Array(pixels * 3);
  if (channels <= 2) {
    for (let i = 0, s = 0, d = 0; i < pixels; i++, s += channels, d += 3) {
      const v = data[s]!;
      rgb[d] = v;
      rgb[d + 1] = v;
      rgb[d + 2] = v;
    }
  } else if (cmyk) {
    // OpenCV's icvCvt_CMYK2BGR_8u_C4C3R on libjpeg's Adobe (inverted) CMYK, which
    // libvips has already un-inverted: with C' = 255 - C, K' = 255 - K,
    // R = K' - ((255 - C') * K' >> 8).
    for (let i = 0, s = 0, d = 0; i < pixels; i++, s += channels, d += 3) {
      const k = 255 - data[s + 3]!;
      rgb[d] = k - ((data[s]! * k) >> 8);
      rgb[d + 1] = k - ((data[s + 1]! * k) >> 8);
      rgb[d + 2] = k - ((data[s + 2]! * k) >> 8);
    }
  } else {
    for (let i = 0, s = 0, d = 0; i < pixels; i++, s += channels, d += 3) {
      rgb[d] = data[s]!;
      rgb[d + 1] = data[s + 1]!;
      rgb[d + 2] = data[s + 2]!;
    }
  }
  return rgb;
}

function megapixels(pixels: number): string {
  return (pixels / 1e6).toFixed(1);
}

/** First line of a sharp/libvips error, short enough for a client message. */
function reason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = message.split("\n").find((l) => l.trim() !== "") ?? "unknown error";
  return line.trim().slice(0, 200);
}
