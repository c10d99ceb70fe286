import { mkdir, open, rename, rm, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { PredictorLogger } from "../logger.js";
import { type WeightsFile, weightsFileName } from "./weights-declaration.js";
import { offlineError, WeightsError } from "./weights-error.js";
import { cachePath, searchedPaths } from "./weights-location.js";
import { progressReport, type WeightsProgress } from "./weights-progress.js";
import type { WeightsSettings } from "./weights-settings.js";
import { type DownloadTuning, transferToPart } from "./weights-transfer.js";
import { verifyWeightsFile } from "./weights-verify.js";

/** Options of {@link downloadWeights}. */
export interface DownloadWeightsOptions {
  /** Cancels the download (or the wait for another one); the part is kept for later. */
  signal?: AbortSignal;
  /** Called at the start, about every 10% (at most ~1/s), and once when done. */
  onProgress?: (progress: WeightsProgress) => void;
  /** Where the start, progress and done lines go (`info`). */
  log?: PredictorLogger;
  /** Retries, backoff and stall timeout. */
  tuning?: DownloadTuning;
}

/** A lock not refreshed for this long belongs to a dead process and is taken over. */
const STALE_LOCK_MS = 30_000;
const LOCK_POLL_MS = 200;

/**
 * Puts a declared file into the cache and returns its path there
 * ({@link cachePath}); a file already cached is returned at once. The body
 * goes into `<path>.part` (resumed after a cut connection, or from an
 * earlier crashed run), is fsynced, checked against the declared sha256 and
 * size, and renamed into place. A lock beside the entry makes one download
 * of concurrent calls, from threads or processes; the others wait and
 * return the cached file. Never downloads when `settings.offline` is set.
 *
 * @example
 * const path = await downloadWeights("model", weights.model, settings, { log: ctx.log });
 */
export async function downloadWeights(
  name: string,
  file: WeightsFile,
  settings: WeightsSettings,
  options: DownloadWeightsOptions = {},
): Promise<string> {
  const target = cachePath(file, settings);
  if (await isFile(target)) return target;
  if (settings.offline) {
    throw offlineError({
      name,
      fileName: weightsFileName(file),
      searched: searchedPaths(file, settings),
    });
  }
  try {
    await mkdir(dirname(target), { recursive: true });
  } catch (error) {
    throw new WeightsError(
      `cannot write the weights cache at ${settings.cacheDir} (${(error as Error).message}); ` +
        "set SERVEKIT_CACHE_DIR to a writable folder, or put the file in SERVEKIT_WEIGHTS_DIR",
      { cause: error },
    );
  }
  const lost = new AbortController();
  const release = await acquire(target, lost, options.signal, () =>
    options.log?.info(
      `weights "${name}" (${weightsFileName(file)}): another worker or process is downloading it; waiting`,
    ),
  );
  if (release === "cached") return target;
  try {
    if (await isFile(target)) return target; // downloaded while we waited for the lock
    const signal = options.signal ? AbortSignal.any([options.signal, lost.signal]) : lost.signal;
    await fetchVerified(name, file, target, { ...options, signal });
    return target;
  } finally {
    await release().catch(() => {});
  }
}

async function fetchVerified(
  name: string,
  file: WeightsFile,
  target: string,
  options: DownloadWeightsOptions & { signal: AbortSignal },
): Promise<void> {
  const partPath = `${target}.part`;
  const report = progressReport({
    name,
    url: file.url,
    fileName: weightsFileName(file),
    log: options.log,
    onProgress: options.onProgress,
  });
  await transferToPart({
    name,
    url: file.url,
    partPath,
    declaredSize: file.size,
    report,
    signal: options.signal,
    tuning: options.tuning,
  });
  const found = await verifyWeightsFile(partPath, file);
  if (!found.ok) {
    await rm(partPath, { force: true });
    const sizeNote =
      file.size !== undefined && found.size !== file.size
        ? ` and ${found.size} bytes (declared size ${file.size})`
        : "";
    throw new WeightsError(
      `weights "${name}": the file at ${file.url} has sha256 ${found.sha256}${sizeNote}, ` +
        `the predictor declares sha256 ${file.sha256.toLowerCase()}; the download was deleted. ` +
        "Fix the declaration (if the file changed on purpose) or the URL, then start again",
    );
  }
  await rename(partPath, target);
  await syncDir(dirname(target));
  report.finish({ path: target });
}

/**
 * Takes the entry's lock, waiting (and polling for the finished file) while
 * another thread or process holds it. `"cached"` when the file appeared
 * while waiting.
 */
async function acquire(
  target: string,
  lost: AbortController,
  signal: AbortSignal | undefined,
  onWait: () => void,
): Promise<(() => Promise<void>) | "cached"> {
  for (let waited = false; ; waited = true) {
    if (signal?.aborted) {
      throw new WeightsError(`cancelled while waiting for the download of ${target}`, {
        cause: signal.reason,
      });
    }
    try {
      // Loaded here: only a download needs it, and most starts find their weights.
      const { default: lockfile } = await import("proper-lockfile");
      return await lockfile.lock(target, {
        realpath: false,
        lockfilePath: `${target}.lock`,
        stale: STALE_LOCK_MS,
        retries: 0,
        onCompromised: (error) =>
          lost.abort(
            new WeightsError(`lost the lock on ${target} (${error.message}); start again`, {
              cause: error,
            }),
          ),
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ELOCKED") throw error;
    }
    if (await isFile(target)) return "cached";
    if (!waited) onWait();
    await sleep(LOCK_POLL_MS, undefined, signal ? { signal } : {}).catch(() => {}); // checked above
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
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
    // Windows cannot fsync a folder; the rename is still atomic there.
  }
}
