import { createHash, randomBytes } from "node:crypto";
import { type FileHandle, mkdir, open, rename, rm } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { DownloadError } from "./download-error.js";
import {
  createProgressReporter,
  type DownloadProgress,
  type ProgressReporter,
} from "./download-progress.js";

/** Options of `downloadFile`. */
export interface DownloadFileOptions {
  /** Expected lower-case or upper-case hex SHA-256 of the file; required, since weights are code. */
  sha256: string;
  /**
   * Longest wait for the server (connect, headers, or between two body chunks), in ms.
   * A slow but steady download never times out; a stalled one does.
   * @default 30000
   */
  timeoutMs?: number;
  /**
   * Cancels the download; the partial file is removed.
   * @default undefined
   */
  signal?: AbortSignal;
  /**
   * Called at every ~10% (every MiB when the size is unknown) and at the end.
   * @default undefined
   */
  onProgress?: (progress: DownloadProgress) => void;
  /**
   * Draw a progress bar on stderr.
   * @default process.stderr.isTTY
   */
  progressBar?: boolean;
}

const SHA256_HEX = /^[0-9a-f]{64}$/i;

/**
 * Downloads `url` (following redirects) to `dest`, atomically: the body
 * streams into a temporary file beside `dest` while being hashed, is
 * fsynced, checked against `sha256`, and only then renamed into place. On
 * any failure the temporary file is removed, so `dest` is either absent, as
 * before, or complete and verified.
 *
 * @example
 * await downloadFile("https://example.com/yolov5n.onnx", "/cache/yolov5n.onnx", {
 *   sha256: KNOWN_WEIGHTS["yolov5n.onnx"].sha256,
 * });
 */
export async function downloadFile(
  url: string,
  dest: string,
  options: DownloadFileOptions,
): Promise<void> {
  const expected = options.sha256.toLowerCase();
  if (!SHA256_HEX.test(expected)) {
    throw new Error(`sha256 must be 64 hex digits, got "${options.sha256}"`);
  }
  const timeoutMs = options.timeoutMs ?? 30_000;
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    throw new Error(`timeoutMs must be a positive number of milliseconds, got ${timeoutMs}`);
  }
  const target = resolve(dest);
  const dir = dirname(target);
  await mkdir(dir, { recursive: true });
  // Same folder as the target, so the final rename never crosses file systems.
  const temp = join(
    dir,
    `.${basename(target)}.${process.pid}.${randomBytes(6).toString("hex")}.part`,
  );

  const stall = new AbortController();
  const timer = setTimeout(() => stall.abort(), timeoutMs);
  const signal = options.signal ? AbortSignal.any([stall.signal, options.signal]) : stall.signal;
  let handle: FileHandle | undefined;
  let progress: ProgressReporter | undefined;
  try {
    const response = await fetch(url, { signal, redirect: "follow" });
    timer.refresh();
    if (!response.ok || response.body === null) {
      await response.body?.cancel().catch(() => {});
      throw new DownloadError(
        `download of ${url} failed: HTTP ${response.status} ${response.statusText}` +
          (response.redirected ? ` (redirected to ${response.url})` : ""),
        { reason: "http", url, status: response.status },
      );
    }
    progress = createProgressReporter({
      url,
      dest: target,
      totalBytes: contentLength(response),
      onProgress: options.onProgress,
      progressBar: options.progressBar,
    });
    const hash = createHash("sha256");
    const file = await open(temp, "wx");
    handle = file;
    const reporter = progress;
    const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
    await pipeline(
      body,
      async (chunks: AsyncIterable<Buffer>) => {
        for await (const chunk of chunks) {
          timer.refresh();
          hash.update(chunk);
          await writeAll(file, chunk);
          reporter.advance(chunk.length);
        }
      },
      { signal },
    );
    clearTimeout(timer);
    await file.sync();
    await file.close();
    handle = undefined;

    const actual = hash.digest("hex");
    if (actual !== expected) {
      throw new DownloadError(
        `sha256 mismatch for ${url}: expected ${expected}, got ${actual}; the file was not saved. ` +
          "If the file changed upstream on purpose, pass its digest as the `sha256` option.",
        { reason: "checksum", url, expectedSha256: expected, actualSha256: actual },
      );
    }
    await rename(temp, target);
    await syncDir(dir);
    progress.finish();
  } catch (error) {
    progress?.stop();
    await handle?.close().catch(() => {});
    await rm(temp, { force: true });
    throw classify(error, url, {
      timedOut: stall.signal.aborted,
      timeoutMs,
      signal: options.signal,
    });
  } finally {
    clearTimeout(timer);
  }
}

function classify(
  error: unknown,
  url: string,
  context: { timedOut: boolean; timeoutMs: number; signal: AbortSignal | undefined },
): DownloadError {
  if (error instanceof DownloadError) return error;
  if (context.signal?.aborted) {
    return new DownloadError(`download of ${url} was aborted`, {
      reason: "aborted",
      url,
      cause: context.signal.reason,
    });
  }
  if (context.timedOut) {
    return new DownloadError(
      `download of ${url} timed out: no data for ${context.timeoutMs} ms; raise timeoutMs for a slow link`,
      { reason: "timeout", url, cause: error },
    );
  }
  return new DownloadError(`download of ${url} failed: ${messageOf(error)}`, {
    reason: "network",
    url,
    cause: error,
  });
}

/** undici hides the useful part ("other side closed", ECONNREFUSED) in `cause`. */
function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error.message}${cause}`;
}

function contentLength(response: Response): number | undefined {
  const header = response.headers.get("content-length");
  if (header === null) return undefined;
  const length = Number(header);
  return Number.isSafeInteger(length) && length >= 0 ? length : undefined;
}

async function writeAll(file: FileHandle, chunk: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < chunk.length) {
    const { bytesWritten } = await file.write(chunk, offset, chunk.length - offset);
    offset += bytesWritten;
  }
}

/** Makes the rename itself durable; not every platform can open a folder, so best effort. */
async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Windows cannot fsync a directory; the rename is still atomic there.
  }
}
