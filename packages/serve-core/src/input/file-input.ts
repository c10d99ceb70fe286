import { createRequire } from "node:module";
import type * as ImageSize from "image-size";
import { loadSharp } from "../image/load-sharp.js";
import { z } from "../zod.js";
import {
  decodeFileValue,
  type FileInput,
  isRawFileValue,
  type RawFileValue,
} from "./file-value.js";

export type { FileInput };

/** An image as `predict` receives it: its bytes plus what its header says. */
export interface ImageInput extends FileInput {
  width: number;
  height: number;
  /** sharp's name of the format: "jpeg", "png", "webp", ... */
  format: string;
}

export interface FileOptions {
  /** Shown in the docs and the UI. */
  description?: string;
  /** Largest accepted file, in bytes. @default no limit beyond the request body limit */
  maxBytes?: number;
  /** Accepted media types; `image/*` style wildcards allowed. @default any */
  mediaTypes?: string[];
}

export interface ImageOptions extends Omit<FileOptions, "mediaTypes"> {
  /** Largest accepted width × height, checked from the header before decoding. @default 50_000_000 */
  maxPixels?: number;
}

/** Which kind of file a schema made by {@link file} or {@link image} accepts. */
export interface FileFieldMeta {
  kind: "file" | "image";
}

/** Marks schemas made by {@link file} and {@link image}, so routes, docs and the CLI can find them. */
export const fileFields = z.registry<FileFieldMeta>();

const ACCEPTS =
  "a base64 string, a data: URL (data:image/jpeg;base64,...) or a multipart/form-data file upload";

const rawFile = z.custom<RawFileValue>(isRawFileValue, { message: `expected ${ACCEPTS}` });

/**
 * A file input: accepts base64, a data URL or a multipart upload; `predict` gets a {@link FileInput}.
 *
 * @example
 * input: z.object({ document: file({ mediaTypes: ["application/pdf"], maxBytes: 5_000_000 }) })
 */
export function file(options: FileOptions = {}) {
  const schema = rawFile
    .transform((value, ctx): FileInput => {
      const decoded = decodeFileValue(value);
      if (typeof decoded === "string") {
        ctx.addIssue({ code: "custom", message: decoded, input: undefined });
        return z.NEVER;
      }
      const problem =
        checkSize(decoded, options.maxBytes) ?? checkMediaType(decoded, options.mediaTypes);
      if (problem) {
        ctx.addIssue({ code: "custom", message: problem, input: undefined });
        return z.NEVER;
      }
      return decoded;
    })
    .openapi(
      openApiFileMeta({
        type: "string",
        contentEncoding: "base64",
        description: withAccepts(options.description, "file"),
        ...(options.mediaTypes?.length === 1 ? { contentMediaType: options.mediaTypes[0] } : {}),
      }),
    );
  fileFields.add(schema, { kind: "file" });
  return schema;
}

/**
 * An image input: like {@link file}, and the bytes must be an image whose header
 * sharp can read, within `maxPixels`. `predict` gets an {@link ImageInput}.
 *
 * @example
 * input: z.object({ image: image({ description: "Photo to analyse" }) })
 */
export function image(options: ImageOptions = {}) {
  const maxPixels = options.maxPixels ?? 50_000_000;
  const schema = rawFile
    .transform(async (value, ctx): Promise<ImageInput> => {
      const decoded = decodeFileValue(value);
      const problem = typeof decoded === "string" ? decoded : checkSize(decoded, options.maxBytes);
      if (problem || typeof decoded === "string") {
        ctx.addIssue({ code: "custom", message: problem ?? "invalid file", input: undefined });
        return z.NEVER;
      }
      const header = await readImageHeader(decoded.data);
      if (header === undefined) {
        ctx.addIssue({
          code: "custom",
          message: `is not an image sharp can read (${describeBytes(decoded)}); send a JPEG, PNG, WebP, GIF, TIFF or AVIF`,
          input: undefined,
        });
        return z.NEVER;
      }
      const pixels = header.width * header.height;
      if (pixels > maxPixels) {
        ctx.addIssue({
          code: "custom",
          message: `image is ${header.width}×${header.height} (${megapixels(pixels)} MP); the limit is ${megapixels(maxPixels)} MP`,
          input: undefined,
        });
        return z.NEVER;
      }
      return { ...decoded, mediaType: `image/${header.format}`, ...header };
    })
    .openapi(
      openApiFileMeta({
        type: "string",
        contentEncoding: "base64",
        contentMediaType: "image/*",
        description: withAccepts(options.description, "image"),
      }),
    );
  fileFields.add(schema, { kind: "image" });
  return schema;
}

/** OpenAPI 3.1 keywords (contentEncoding, contentMediaType) that the 3.0-based metadata type lacks. */
function openApiFileMeta(meta: Record<string, unknown>): { type: "string"; description: string } {
  return meta as { type: "string"; description: string };
}

/**
 * The everyday formats, as image-size names them, mapped to sharp's names. The
 * rest (AVIF/HEIF, SVG, ...) is left to sharp, whose reading of them decides.
 */
const SHARP_FORMATS: Record<string, string> = {
  jpg: "jpeg",
  png: "png",
  webp: "webp",
  gif: "gif",
  tiff: "tiff",
};

interface ImageHeader {
  width: number;
  height: number;
  format: string;
}

/**
 * Width and height as displayed (EXIF orientation applied) and format, from the
 * header only: no pixels are decoded here, so a pixel bomb costs nothing.
 * image-size parses the common formats in microseconds on this thread; what it
 * does not know goes to sharp (a trip to the thread pool, ~0.5 ms).
 */
async function readImageHeader(data: Uint8Array): Promise<ImageHeader | undefined> {
  return readHeaderInJs(data) ?? (await readHeaderWithSharp(data));
}

let imageSizeModule: typeof ImageSize | undefined;

function readHeaderInJs(data: Uint8Array): ImageHeader | undefined {
  // Required on first use: only the thread that validates inputs needs it,
  // not pool workers importing a predictor that declares an image field.
  imageSizeModule ??= createRequire(import.meta.url)("image-size") as typeof ImageSize;
  let size: ReturnType<typeof ImageSize.imageSize>;
  try {
    size = imageSizeModule.imageSize(data);
  } catch {
    return undefined;
  }
  const format = size.type ? SHARP_FORMATS[size.type] : undefined;
  if (!format || !size.width || !size.height) return undefined;
  return oriented(size.width, size.height, size.orientation, format);
}

async function readHeaderWithSharp(data: Uint8Array): Promise<ImageHeader | undefined> {
  try {
    // Loaded here, not at the top: the formats image-size reads never need
    // libvips on the HTTP thread (faster start, ~20 MiB less there).
    const decoder = await loadSharp();
    const meta = await decoder(data, { limitInputPixels: false }).metadata();
    if (!meta.width || !meta.height || !meta.format) return undefined;
    return oriented(meta.width, meta.height, meta.orientation, meta.format);
  } catch {
    return undefined;
  }
}

/** EXIF orientations 5–8 turn the image a quarter: width and height swap. */
function oriented(
  width: number,
  height: number,
  orientation: number | undefined,
  format: string,
): ImageHeader {
  const rotated = (orientation ?? 1) >= 5;
  return { width: rotated ? height : width, height: rotated ? width : height, format };
}

function checkSize(file: FileInput, maxBytes: number | undefined): string | undefined {
  if (maxBytes !== undefined && file.data.byteLength > maxBytes) {
    return `file is ${file.data.byteLength} bytes; the limit is ${maxBytes} bytes`;
  }
  if (file.data.byteLength === 0) return "file is empty";
  return undefined;
}

function checkMediaType(file: FileInput, accepted: string[] | undefined): string | undefined {
  if (!accepted || accepted.length === 0) return undefined;
  const ok = accepted.some((pattern) =>
    pattern.endsWith("/*")
      ? file.mediaType.startsWith(pattern.slice(0, -1))
      : file.mediaType === pattern,
  );
  return ok
    ? undefined
    : `media type ${file.mediaType} is not accepted; expected ${accepted.join(" or ")}`;
}

function describeBytes(file: FileInput): string {
  return `${file.data.byteLength} bytes of ${file.mediaType}`;
}

function megapixels(pixels: number): string {
  return (pixels / 1e6).toFixed(1);
}

function withAccepts(description: string | undefined, what: "file" | "image"): string {
  const accepts = `Accepts ${ACCEPTS}.`;
  if (description) return `${description.replace(/\.?\s*$/, ".")} ${accepts}`;
  return `${what === "image" ? "An image" : "A file"}. ${accepts}`;
}
