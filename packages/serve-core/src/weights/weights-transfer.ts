import { type FileHandle, open, stat, truncate } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { WeightsError } from "./weights-error.js";
import type { ProgressReport } from "./weights-progress.js";

/**
 * How hard a download tries: retries after a cut or failed connection with
 * exponential backoff, and gives up on a server silent for too long.
 *
 * @example
 * await downloadWeights("model", file, settings, { tuning: { attempts: 3, stallTimeoutMs: 5_000 } });
 */
export interface DownloadTuning {
  /** Failed attempts in a row (none getting further than the one before) before giving up. @default 5 */
  attempts?: number;
  /** Wait before the first retry, doubled after each failure. @default 250 */
  minDelayMs?: number;
  /** Longest wait between retries. @default 4000 */
  maxDelayMs?: number;
  /** Longest wait for the server: connect, headers, or between two body chunks. @default 30000 */
  stallTimeoutMs?: number;
}

/** A failure that retrying cannot fix (404, 403…). */
class FatalDownloadError extends WeightsError {}

/**
 * Fetches `url` into `partPath`, resuming from the bytes already there
 * (`Range`; a 206 from the right offset appends, a 200 starts over), and
 * retrying cut connections. Returns the part's size once the body is
 * complete and synced; the part is kept on failure so a later call resumes.
 */
export async function transferToPart(options: {
  name: string;
  url: string;
  partPath: string;
  declaredSize: number | undefined;
  report: ProgressReport;
  signal?: AbortSignal | undefined;
  tuning?: DownloadTuning | undefined;
}): Promise<number> {
  const { name, url, partPath, declaredSize, report, signal } = options;
  const attempts = options.tuning?.attempts ?? 5;
  const minDelayMs = options.tuning?.minDelayMs ?? 250;
  const maxDelayMs = options.tuning?.maxDelayMs ?? 4_000;
  const stallTimeoutMs = options.tuning?.stallTimeoutMs ?? 30_000;
  let failures = 0;
  let started = false;
  for (;;) {
    let written = (await sizeOf(partPath)) ?? 0;
    if (declaredSize !== undefined && written > declaredSize) {
      await truncate(partPath, 0);
      written = 0;
    }
    const stall = new AbortController();
    const timer = setTimeout(() => stall.abort(), stallTimeoutMs);
    const fetchSignal = signal ? AbortSignal.any([stall.signal, signal]) : stall.signal;
    let handle: FileHandle | undefined;
    let progressed = false;
    try {
      const headers: Record<string, string> = { "accept-encoding": "identity" };
      if (written > 0) headers.range = `bytes=${written}-`;
      const response = await fetch(url, { headers, signal: fetchSignal, redirect: "follow" });
      timer.refresh();
      const plan = await planFor(response, { written, partPath, name, url });
      if (plan.complete) return written;
      if (!started) {
        report.start({ totalBytes: plan.total ?? declaredSize, resumedFrom: plan.offset });
        started = true;
      }
      let received = plan.offset;
      handle = await open(partPath, plan.offset > 0 ? "a" : "w");
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        timer.refresh();
        await writeAll(handle, chunk);
        received += chunk.length;
        progressed = received > written; // a restart from zero only counts once it passes the old part
        report.advance(received);
      }
      await handle.sync();
      await handle.close();
      handle = undefined;
      if (plan.total !== undefined && received < plan.total)
        throw new Error(`connection closed after ${received} of ${plan.total} bytes`);
      return received;
    } catch (error) {
      await handle?.sync().catch(() => {});
      await handle?.close().catch(() => {});
      if (signal?.aborted) {
        throw new WeightsError(
          `download of weights "${name}" from ${url} was cancelled; the part downloaded so far is kept and resumed next time`,
          { cause: signal.reason },
        );
      }
      if (error instanceof FatalDownloadError) throw error;
      failures = progressed ? 1 : failures + 1;
      const reason = stall.signal.aborted ? `no data for ${stallTimeoutMs} ms` : messageOf(error);
      if (failures >= attempts) {
        const kept = (await sizeOf(partPath)) ?? 0;
        throw new WeightsError(
          `download of weights "${name}" from ${url} failed ${attempts} times in a row (last: ${reason}); ` +
            `check the URL and the network and start again${kept > 0 ? ` (the ${kept} bytes downloaded so far are kept and resumed)` : ""}`,
          { cause: error },
        );
      }
      const delay = Math.min(maxDelayMs, minDelayMs * 2 ** (failures - 1));
      report.retrying({ reason, delayMs: delay, failures, attempts });
      await sleep(delay, undefined, signal ? { signal } : {}).catch(() => {});
    } finally {
      clearTimeout(timer);
    }
  }
}

type Plan = { complete: true } | { complete: false; offset: number; total: number | undefined };

/** What a response means for the part: append at `offset`, start over (offset 0), or nothing left to fetch. */
async function planFor(
  response: Response,
  context: { written: number; partPath: string; name: string; url: string },
): Promise<Plan> {
  const { written, partPath } = context;
  if (response.status === 206) {
    const range = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(response.headers.get("content-range") ?? "");
    if (range && Number(range[1]) === written) {
      return {
        complete: false,
        offset: written,
        total: range[2] === "*" ? undefined : Number(range[2]),
      };
    }
    await response.body?.cancel().catch(() => {});
    await truncate(partPath, 0);
    throw new Error("the server answered a range other than the one asked for; starting over");
  }
  if (response.status === 416 && written > 0) {
    await response.body?.cancel().catch(() => {});
    const size = /^bytes \*\/(\d+)$/.exec(response.headers.get("content-range") ?? "");
    if (size && Number(size[1]) === written) return { complete: true };
    await truncate(partPath, 0);
    throw new Error("the server refused to resume (HTTP 416); starting over");
  }
  if (response.ok && response.body !== null) {
    return { complete: false, offset: 0, total: contentLength(response) };
  }
  await response.body?.cancel().catch(() => {});
  const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
  if (
    response.status >= 400 &&
    response.status < 500 &&
    response.status !== 408 &&
    response.status !== 429
  ) {
    throw new FatalDownloadError(
      `download of weights "${context.name}" from ${context.url} failed: ${status}; ` +
        "check the url in the predictor's weights declaration (or put the file in the weights folder)",
    );
  }
  throw new Error(status);
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

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch {
    return undefined;
  }
}

/** undici hides the useful part ("other side closed", ECONNREFUSED) in `cause`. */
function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error.message}${cause}`;
}
