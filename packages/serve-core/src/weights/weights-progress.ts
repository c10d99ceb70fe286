import type { PredictorLogger } from "../logger.js";

/**
 * A snapshot of a download, as given to `onProgress`.
 *
 * @example
 * const onProgress = (p: WeightsProgress) => p.done && console.log(`${p.name}: ${p.receivedBytes} bytes`);
 */
export interface WeightsProgress {
  name: string;
  url: string;
  /** Bytes of the file on disk so far, a resumed part included. */
  receivedBytes: number;
  /** The file's size, when the server or the declaration says it. */
  totalBytes?: number;
  /** `true` once, when the file is complete and verified. */
  done: boolean;
}

/** Reports one download: a start line, a line about every 10% (at most ~1/s), a done line. */
export interface ProgressReport {
  start(options: { totalBytes: number | undefined; resumedFrom: number }): void;
  advance(receivedBytes: number): void;
  /** An attempt failed and another follows after `delayMs`. */
  retrying(options: { reason: string; delayMs: number; failures: number; attempts: number }): void;
  finish(options: { path: string }): void;
}

const UNKNOWN_SIZE_STEP = 10_000_000;
const MIN_INTERVAL_MS = 1_000;

/**
 * Progress of one download as log lines (`log.info`, so they also land in
 * /health's setup logs) and `onProgress` calls.
 *
 * @example
 * const report = progressReport({ name: "model", url, fileName: "m.onnx", log });
 * report.start({ totalBytes: 3_963_249, resumedFrom: 0 });
 */
export function progressReport(options: {
  name: string;
  url: string;
  fileName: string;
  log?: PredictorLogger | undefined;
  onProgress?: ((progress: WeightsProgress) => void) | undefined;
  now?: () => number;
}): ProgressReport {
  const { name, url, fileName, log, onProgress } = options;
  const now = options.now ?? Date.now;
  const label = `weights "${name}" (${fileName})`;
  const startedAt = now();
  let totalBytes: number | undefined;
  let received = 0;
  let nextReport = 0;
  let lastLineAt = startedAt;
  let step = UNKNOWN_SIZE_STEP;
  const snapshot = (done: boolean): WeightsProgress => ({
    name,
    url,
    receivedBytes: received,
    ...(totalBytes === undefined ? {} : { totalBytes }),
    done,
  });
  return {
    start(start) {
      totalBytes = start.totalBytes;
      received = start.resumedFrom;
      step = totalBytes !== undefined && totalBytes > 0 ? totalBytes / 10 : UNKNOWN_SIZE_STEP;
      nextReport = (Math.floor(received / step) + 1) * step;
      const size = totalBytes === undefined ? "size unknown" : megabytes(totalBytes);
      const resumed = start.resumedFrom > 0 ? `, resuming at ${megabytes(start.resumedFrom)}` : "";
      log?.info(`downloading ${label} from ${url} (${size}${resumed})`);
      onProgress?.(snapshot(false));
    },
    advance(receivedBytes) {
      received = receivedBytes;
      if (received < nextReport) return;
      while (nextReport <= received) nextReport += step;
      if (totalBytes !== undefined && received >= totalBytes) return; // the done line says it
      const at = now();
      if (at - lastLineAt < MIN_INTERVAL_MS) return;
      lastLineAt = at;
      log?.info(`downloading ${label}: ${amount(received, totalBytes)}`);
      onProgress?.(snapshot(false));
    },
    retrying({ reason, delayMs, failures, attempts }) {
      const at = received > 0 ? ` at ${amount(received, totalBytes)}` : "";
      log?.warn(
        `download of ${label} interrupted${at} (${reason}); retrying in ${(delayMs / 1000).toFixed(1)} s (${failures} of ${attempts} failures in a row allowed)`,
      );
    },
    finish({ path }) {
      const seconds = ((now() - startedAt) / 1000).toFixed(1);
      log?.info(
        `downloaded ${label}: 100% (${megabytes(received)}) in ${seconds} s, verified, saved to ${path}`,
      );
      onProgress?.(snapshot(true));
    },
  };
}

/** "40% (1.6 of 4.0 MB)", or "12.0 MB" when the size is unknown. */
function amount(received: number, total: number | undefined): string {
  if (total === undefined || total === 0) return megabytes(received);
  const percent = Math.floor((received / total) * 100);
  return `${percent}% (${(received / 1e6).toFixed(1)} of ${megabytes(total)})`;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
