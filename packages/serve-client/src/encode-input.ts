import {
  canReadPaths,
  fileBytes,
  fileSize,
  isBinary,
  type LoadedFile,
  loadFile,
} from "./file-source.js";
import type { FileSource } from "./types.js";

/**
 * `auto`: multipart when a file is a Blob/File or larger than the threshold,
 * else JSON with base64 (what `/predict` takes); `json`: always JSON with
 * base64 (async predictions and the Open Inference Protocol take JSON only).
 */
export type EncodingMode = "auto" | "json";

export interface EncodeOptions {
  mode: EncodingMode;
  /** Files larger than this go as multipart in `auto` mode. */
  multipartThresholdBytes: number;
  /** The input fields that are files (to tell a path from a string); asked only when needed. */
  fileFields: () => Promise<Set<string>>;
}

/** An input ready to send. */
export type EncodedInput = { kind: "json"; value: unknown } | { kind: "multipart"; form: FormData };

/**
 * Turns the caller's input into a request body: bytes, Blobs and (in Node.js)
 * paths in file fields become base64 or multipart file parts.
 *
 * @example
 * const encoded = await encodeInput({ image: "./bus.jpg" }, { mode: "auto", multipartThresholdBytes: 1 << 20, fileFields });
 */
export async function encodeInput(input: unknown, options: EncodeOptions): Promise<EncodedInput> {
  if (typeof input !== "object" || input === null || Array.isArray(input) || isBinary(input)) {
    // An input schema that is not an object takes its JSON as it is.
    return { kind: "json", value: input };
  }
  const entries = Object.entries(input as Record<string, unknown>);
  const pathFields = await candidatePathFields(entries, options);
  const files = new Map<string, LoadedFile>();
  for (const [name, value] of entries) {
    if (isBinary(value) || (typeof value === "string" && pathFields.has(name))) {
      files.set(name, await loadFile(value as FileSource));
    }
  }
  const multipart =
    options.mode === "auto" &&
    [...files.values()].some(
      (file) =>
        !(file.content instanceof Uint8Array) || fileSize(file) > options.multipartThresholdBytes,
    );
  if (multipart) return { kind: "multipart", form: toFormData(entries, files) };
  const value: Record<string, unknown> = {};
  for (const [name, field] of entries) {
    const file = files.get(name);
    value[name] = file ? toBase64Value(file, await fileBytes(file)) : field;
  }
  return { kind: "json", value };
}

/** String fields that may hold a path: file fields whose value is not already a data: URL. */
async function candidatePathFields(
  entries: [string, unknown][],
  options: EncodeOptions,
): Promise<Set<string>> {
  if (!canReadPaths()) return new Set();
  const strings = entries.filter(([, v]) => typeof v === "string" && !v.startsWith("data:"));
  if (strings.length === 0) return new Set();
  const fields = await options.fileFields();
  return new Set(strings.map(([name]) => name).filter((name) => fields.has(name)));
}

function toFormData(entries: [string, unknown][], files: Map<string, LoadedFile>): FormData {
  const form = new FormData();
  for (const [name, value] of entries) {
    const file = files.get(name);
    if (file) {
      const blob =
        file.content instanceof Blob
          ? file.content
          : new Blob([file.content as Uint8Array<ArrayBuffer>], {
              type: file.mediaType ?? "application/octet-stream",
            });
      form.append(name, blob, file.filename ?? name);
    } else if (value !== undefined) {
      // The server parses a part as JSON where the schema wants a number, boolean, array or object.
      form.append(name, typeof value === "string" ? value : JSON.stringify(value));
    }
  }
  return form;
}

/** Plain base64 when the type is unknown (the server sniffs it), else a data: URL that names it. */
function toBase64Value(file: LoadedFile, bytes: Uint8Array): string {
  const base64 = encodeBase64(bytes);
  return file.mediaType ? `data:${file.mediaType};base64,${base64}` : base64;
}

/** Base64 of `bytes`: Node's Buffer where present, else btoa in chunks. */
export function encodeBase64(bytes: Uint8Array): string {
  const NodeBuffer = (
    globalThis as {
      Buffer?: { from(b: ArrayBufferLike, o: number, l: number): { toString(e: string): string } };
    }
  ).Buffer;
  if (NodeBuffer)
    return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
  let binary = "";
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}
