import { basename } from "node:path";
import cliProgress from "cli-progress";

/** A snapshot of a download, as given to `onProgress`. */
export interface DownloadProgress {
  url: string;
  /** The file being written (its final path, not the temporary one). */
  dest: string;
  receivedBytes: number;
  /** From Content-Length; `undefined` when the server did not send it. */
  totalBytes: number | undefined;
  /** `true` on the last call, once every byte has arrived. */
  done: boolean;
}

/** Options of `createProgressReporter`. */
export interface ProgressReporterOptions {
  url: string;
  dest: string;
  totalBytes: number | undefined;
  /**
   * Called at every ~10% (every MiB when the size is unknown) and once at the end.
   * @default undefined
   */
  onProgress?: (progress: DownloadProgress) => void;
  /**
   * Draw a cli-progress bar on stderr (only when the size is known).
   * @default process.stderr.isTTY
   */
  progressBar?: boolean;
}

/** Receives byte counts from a download and reports them to a bar and/or a callback. */
export interface ProgressReporter {
  advance(bytes: number): void;
  finish(): void;
  /** Removes the bar; safe to call more than once, and after `finish`. */
  stop(): void;
}

const UNKNOWN_SIZE_STEP = 1024 * 1024;

/**
 * Reports a download's progress: a bar on an interactive stderr, and a few
 * throttled `onProgress` calls that a logger can print in non-interactive
 * runs (containers, CI) without flooding it.
 *
 * @example
 * const progress = createProgressReporter({ url, dest, totalBytes, onProgress: (p) => log(formatDownloadProgress(p)) });
 */
export function createProgressReporter(options: ProgressReporterOptions): ProgressReporter {
  const { url, dest, totalBytes, onProgress } = options;
  const step = totalBytes !== undefined && totalBytes > 0 ? totalBytes / 10 : UNKNOWN_SIZE_STEP;
  let received = 0;
  let nextReport = step;
  let bar: cliProgress.SingleBar | undefined;
  if ((options.progressBar ?? process.stderr.isTTY === true) && totalBytes !== undefined) {
    bar = new cliProgress.SingleBar(
      {
        stream: process.stderr,
        format: `${basename(dest)} [{bar}] {percentage}% | {mib} MiB | ETA {eta_formatted}`,
        hideCursor: null,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(totalBytes, 0, { mib: mebibytes(0, totalBytes) });
  }
  const snapshot = (done: boolean): DownloadProgress => ({
    url,
    dest,
    receivedBytes: received,
    totalBytes,
    done,
  });
  const stop = () => {
    bar?.stop();
    bar = undefined;
  };
  return {
    advance(bytes) {
      received += bytes;
      bar?.update(received, { mib: mebibytes(received, totalBytes) });
      if (received >= nextReport && !(totalBytes !== undefined && received >= totalBytes)) {
        while (nextReport <= received) nextReport += step;
        onProgress?.(snapshot(false));
      }
    },
    finish() {
      stop();
      onProgress?.(snapshot(true));
    },
    stop,
  };
}

/**
 * One log line for a progress snapshot.
 *
 * @example
 * formatDownloadProgress(p); // "downloading yolov5n.onnx: 40% (1.5 of 3.8 MiB)"
 */
export function formatDownloadProgress(progress: DownloadProgress): string {
  const name = basename(progress.dest);
  const { receivedBytes, totalBytes } = progress;
  if (progress.done) return `downloaded ${name} (${mebibytes(receivedBytes)} MiB)`;
  if (totalBytes === undefined || totalBytes === 0) {
    return `downloading ${name}: ${mebibytes(receivedBytes)} MiB`;
  }
  const percent = Math.floor((receivedBytes / totalBytes) * 100);
  return `downloading ${name}: ${percent}% (${mebibytes(receivedBytes, totalBytes)} MiB)`;
}

function mebibytes(bytes: number, total?: number): string {
  const mib = (n: number) => (n / (1024 * 1024)).toFixed(1);
  return total === undefined ? mib(bytes) : `${mib(bytes)} of ${mib(total)}`;
}
