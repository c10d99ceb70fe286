import type { FileInput } from "./file-value.js";
import { sniffMediaType } from "./file-value.js";

const CRLF_CRLF = Buffer.from("\r\n\r\n");

/**
 * The raw bytes of each multipart part, by field name (the first part of a
 * name wins). `FormData` turns a part sent without a filename into text,
 * decoding it as UTF-8, which mangles binary data: a client that uploads an
 * image without `filename` or `Content-Type` (curl `-F image=<photo.jpg`,
 * some HTTP libraries) needs the bytes as they were sent.
 *
 * @example
 * multipartPartBytes(body, "multipart/form-data; boundary=x").get("image") // Uint8Array
 */
export function multipartPartBytes(body: Uint8Array, contentType: string): Map<string, Uint8Array> {
  const parts = new Map<string, Uint8Array>();
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (!boundary) return parts;
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const between = Buffer.from(`\r\n--${boundary[1] ?? boundary[2]}`);
  let start = bytes.indexOf(delimiter);
  while (start !== -1) {
    const headersStart = start + delimiter.length;
    // "--" after a delimiter closes the body.
    if (bytes[headersStart] === 0x2d && bytes[headersStart + 1] === 0x2d) break;
    const headersEnd = bytes.indexOf(CRLF_CRLF, headersStart);
    if (headersEnd === -1) break;
    const end = bytes.indexOf(between, headersEnd + CRLF_CRLF.length);
    if (end === -1) break;
    const headers = bytes.subarray(headersStart, headersEnd).toString("latin1");
    const name = /content-disposition:[^\r\n]*;\s*name="([^"]*)"/i.exec(headers)?.[1];
    if (name !== undefined && !parts.has(name)) {
      parts.set(name, bytes.subarray(headersEnd + CRLF_CRLF.length, end));
    }
    start = end + 2;
  }
  return parts;
}

/**
 * A file sent as an untyped multipart part, when its bytes are a known file
 * type (JPEG, PNG, …); undefined otherwise, so that text (base64, a data
 * URL) sent the same way is still decoded as text.
 */
export function sniffedFilePart(data: Uint8Array | undefined): FileInput | undefined {
  if (!data) return undefined;
  const mediaType = sniffMediaType(data);
  return mediaType === "application/octet-stream" ? undefined : { data, mediaType };
}
