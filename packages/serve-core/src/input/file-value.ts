import { decodeBase64 } from "./base64.js";

/** A file as `predict` receives it, however the client sent it. */
export interface FileInput {
  /** The file's bytes. */
  data: Uint8Array;
  /** Media type: from the upload or data URL, else sniffed from the bytes. */
  mediaType: string;
  /** File name, when the client sent one (multipart uploads). */
  filename?: string;
}

/** What a client may send for a file field before it is decoded. */
export type RawFileValue = string | Uint8Array | FileInput;

/** Whether `value` can be decoded by {@link decodeFileValue}. */
export function isRawFileValue(value: unknown): value is RawFileValue {
  if (typeof value === "string" || value instanceof Uint8Array) return true;
  return (
    typeof value === "object" &&
    value !== null &&
    (value as FileInput).data instanceof Uint8Array &&
    typeof (value as FileInput).mediaType === "string"
  );
}

const DATA_URL = /^data:([^;,]*)((?:;[^;,]*)*?)(;base64)?,/;

/**
 * Turns a base64 string, data URL, raw bytes or an uploaded file into a
 * {@link FileInput}; returns a message saying what was wrong otherwise.
 */
export function decodeFileValue(value: RawFileValue): FileInput | string {
  if (value instanceof Uint8Array) return { data: value, mediaType: sniffMediaType(value) };
  if (typeof value !== "string") return value;
  if (/^https?:\/\//i.test(value)) {
    return "URLs are not fetched; send the file itself as base64, a data: URL or a multipart upload";
  }
  const dataUrl = DATA_URL.exec(value);
  if (value.startsWith("data:") && !dataUrl) {
    return "is not a valid data URL; expected data:<media type>;base64,<data>";
  }
  if (dataUrl && !dataUrl[3]) {
    return "data URLs must be base64-encoded (data:<media type>;base64,<data>)";
  }
  const payload = dataUrl ? value.slice(dataUrl[0].length) : value;
  const data = decodeBase64(payload) ?? decodeBase64(payload.replace(/\s+/g, ""));
  if (!data) {
    return "is not valid base64 (nor a data: URL); send base64, a data: URL or a multipart upload";
  }
  const mediaType = dataUrl?.[1] || sniffMediaType(data);
  return { data, mediaType };
}

const SIGNATURES: [bytes: (number | undefined)[], mediaType: string][] = [
  [[0xff, 0xd8, 0xff], "image/jpeg"],
  [[0x89, 0x50, 0x4e, 0x47], "image/png"],
  [[0x47, 0x49, 0x46, 0x38], "image/gif"],
  [
    [0x52, 0x49, 0x46, 0x46, undefined, undefined, undefined, undefined, 0x57, 0x45, 0x42, 0x50],
    "image/webp",
  ],
  [[0x49, 0x49, 0x2a, 0x00], "image/tiff"],
  [[0x4d, 0x4d, 0x00, 0x2a], "image/tiff"],
  [[0x42, 0x4d], "image/bmp"],
  [[0x25, 0x50, 0x44, 0x46], "application/pdf"],
];

/** Media type from a file's first bytes; `application/octet-stream` when unknown. */
export function sniffMediaType(data: Uint8Array): string {
  for (const [signature, mediaType] of SIGNATURES) {
    if (signature.every((byte, i) => byte === undefined || data[i] === byte)) return mediaType;
  }
  return "application/octet-stream";
}
