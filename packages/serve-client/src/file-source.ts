import type { FileSource } from "./types.js";

/** A file ready to send: its bytes or a Blob, and what is known of its name and type. */
export interface LoadedFile {
  content: Uint8Array | Blob;
  filename: string | undefined;
  mediaType: string | undefined;
}

const MEDIA_TYPES: Record<string, string> = {
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  gif: "image/gif",
  webp: "image/webp",
  tif: "image/tiff",
  tiff: "image/tiff",
  avif: "image/avif",
  pdf: "application/pdf",
  wav: "audio/wav",
  mp3: "audio/mpeg",
  txt: "text/plain",
  json: "application/json",
};

/** Whether `value` is bytes or a Blob: a file whatever the field. */
export function isBinary(value: unknown): value is Uint8Array | ArrayBuffer | Blob {
  return (
    value instanceof Uint8Array ||
    value instanceof ArrayBuffer ||
    (typeof Blob !== "undefined" && value instanceof Blob)
  );
}

/** Whether this runtime can read file paths (Node.js, Bun, Deno with node: modules). */
export function canReadPaths(): boolean {
  const process = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof process?.versions?.node === "string";
}

/**
 * Loads a {@link FileSource}: reads a path (Node.js only), wraps bytes.
 *
 * @example
 * const file = await loadFile("./bus.jpg"); // { content: Uint8Array, filename: "bus.jpg", mediaType: "image/jpeg" }
 */
export async function loadFile(source: FileSource): Promise<LoadedFile> {
  if (typeof source === "string") return readPath(source);
  if (source instanceof ArrayBuffer) {
    return { content: new Uint8Array(source), filename: undefined, mediaType: undefined };
  }
  if (source instanceof Uint8Array) {
    return { content: source, filename: undefined, mediaType: undefined };
  }
  const name = (source as { name?: unknown }).name;
  return {
    content: source,
    filename: typeof name === "string" && name !== "" ? name : undefined,
    mediaType: source.type || undefined,
  };
}

/** The size of a loaded file in bytes. */
export function fileSize(file: LoadedFile): number {
  return file.content instanceof Uint8Array ? file.content.byteLength : file.content.size;
}

/** The file's bytes (a Blob's are read). */
export async function fileBytes(file: LoadedFile): Promise<Uint8Array> {
  return file.content instanceof Uint8Array
    ? file.content
    : new Uint8Array(await file.content.arrayBuffer());
}

async function readPath(path: string): Promise<LoadedFile> {
  if (!canReadPaths()) {
    throw new TypeError(
      `file paths can only be read in Node.js; in a browser pass a File or Blob (got "${path}")`,
    );
  }
  // By name at run time, so that browser bundles never try to include node:fs.
  const fsModule = "node:fs/promises";
  const fs = (await import(/* @vite-ignore */ fsModule)) as {
    readFile(path: string): Promise<Uint8Array>;
  };
  let content: Uint8Array;
  try {
    content = await fs.readFile(path);
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new TypeError(
      `could not read file "${path}" (${code ?? String(error)}); pass an existing path, bytes or a Blob`,
      { cause: error },
    );
  }
  const filename = path.split(/[\\/]/).pop() || undefined;
  const extension = filename?.includes(".") ? filename.split(".").pop()?.toLowerCase() : undefined;
  return { content, filename, mediaType: extension ? MEDIA_TYPES[extension] : undefined };
}
