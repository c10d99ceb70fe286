import type { WeightsProgress } from "@servekit/core";
import cliProgress from "cli-progress";
import { formatBytes } from "./format-bytes.js";

/** Shows downloads of weights while they run. */
export interface DownloadProgressReporter {
  /** Feeds one progress event of `downloadWeights`. */
  update(progress: WeightsProgress): void;
  /** A line between updates, without tearing a bar. */
  note(text: string): void;
  /** Stops a bar left running (a download failed). */
  stop(): void;
}

export interface DownloadProgressOptions {
  /** @default process.stderr */
  stream?: NodeJS.WriteStream;
  /** Plain lines to this function instead of a stream (e.g. `serve-cli build`'s output). */
  onLine?: (line: string) => void;
}

/**
 * On a terminal, a progress bar per download (cli-progress); otherwise (a
 * log file, CI) plain lines: when a download starts, at every 10% (every
 * 10 MB when the size is unknown), and when it is done.
 *
 * @example
 * const reporter = downloadProgressReporter();
 * await downloadWeights("model", file, settings, { onProgress: (p) => reporter.update(p) });
 */
export function downloadProgressReporter(
  options: DownloadProgressOptions = {},
): DownloadProgressReporter {
  if (options.onLine) return lineReporter(options.onLine);
  const stream = options.stream ?? process.stderr;
  return stream.isTTY ? barReporter(stream) : lineReporter((line) => stream.write(`${line}\n`));
}

/** The line a download starts with, e.g. "downloading model (3.8 MB) from https://…". */
export function downloadStartLine(progress: WeightsProgress): string {
  const size = progress.totalBytes === undefined ? "" : ` (${formatBytes(progress.totalBytes)})`;
  const resumed =
    progress.receivedBytes > 0 ? `, resuming at ${formatBytes(progress.receivedBytes)}` : "";
  return `downloading ${progress.name}${size} from ${progress.url}${resumed}`;
}

function barReporter(stream: NodeJS.WriteStream): DownloadProgressReporter {
  let bar: cliProgress.SingleBar | undefined;
  let current: string | undefined;
  const stop = () => {
    bar?.stop();
    bar = undefined;
    current = undefined;
  };
  return {
    update(progress) {
      if (current !== progress.name) {
        stop();
        current = progress.name;
        stream.write(`${downloadStartLine(progress)}\n`);
        bar = new cliProgress.SingleBar(
          {
            stream,
            format: `{bar} {percentage}% | {received} of {total_text} | ${progress.name}`,
            hideCursor: true,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(progress.totalBytes ?? 0, progress.receivedBytes, payload(progress));
      }
      bar?.update(progress.receivedBytes, payload(progress));
      if (progress.done) stop();
    },
    note(text) {
      stream.write(`\r\x1b[2K${text}\n`);
    },
    stop,
  };
}

function payload(progress: WeightsProgress): Record<string, string> {
  return {
    received: formatBytes(progress.receivedBytes),
    total_text: progress.totalBytes === undefined ? "?" : formatBytes(progress.totalBytes),
  };
}

const UNKNOWN_SIZE_STEP = 10 * 1024 * 1024;

function lineReporter(write: (line: string) => void): DownloadProgressReporter {
  let current: string | undefined;
  let lastStep = 0;
  let started = 0;
  return {
    update(progress) {
      if (current !== progress.name) {
        current = progress.name;
        started = performance.now();
        lastStep = step(progress);
        write(downloadStartLine(progress));
      }
      if (progress.done) {
        const seconds = (performance.now() - started) / 1000;
        write(
          `downloaded ${progress.name}: ${formatBytes(progress.receivedBytes)} in ${seconds.toFixed(1)} s`,
        );
        current = undefined;
        return;
      }
      const now = step(progress);
      if (now <= lastStep) return;
      lastStep = now;
      const total = progress.totalBytes;
      write(
        total === undefined
          ? `${progress.name}: ${formatBytes(progress.receivedBytes)}`
          : `${progress.name}: ${now * 10}% (${formatBytes(progress.receivedBytes)} of ${formatBytes(total)})`,
      );
    },
    note: (text) => write(text),
    stop: () => {
      current = undefined;
    },
  };
}

/** Tenths of the download done, or 10 MB steps when its size is unknown. */
function step(progress: WeightsProgress): number {
  if (progress.totalBytes === undefined || progress.totalBytes === 0)
    return Math.floor(progress.receivedBytes / UNKNOWN_SIZE_STEP);
  return Math.floor((progress.receivedBytes / progress.totalBytes) * 10);
}
