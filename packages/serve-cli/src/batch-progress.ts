import type { BatchProgress, BatchSummary } from "@servekit/core";
import cliProgress from "cli-progress";

/** Shows a batch's progress while it runs, then its summary. */
export interface BatchProgressReporter {
  update(progress: BatchProgress): void;
  /** Stops the bar (or the periodic lines) and writes the summary. */
  finish(summary: BatchSummary): void;
  /** Stops the bar without a summary (the batch failed). */
  stop(): void;
  /** A line between updates (a note, the stop being asked for), without tearing the bar. */
  note(text: string): void;
}

export interface BatchProgressOptions {
  stream?: NodeJS.WriteStream;
  /** Milliseconds between plain progress lines when `stream` is no terminal. @default 10_000 */
  lineEveryMs?: number;
}

/**
 * On a terminal, a progress bar with rate, ETA and failures (cli-progress);
 * otherwise (a log file, CI) a plain line every `lineEveryMs`. Both end with
 * the summary.
 *
 * @example
 * const reporter = batchProgressReporter();
 * const summary = await runBatch({ ...options, onProgress: (p) => reporter.update(p) });
 * reporter.finish(summary);
 */
export function batchProgressReporter(options: BatchProgressOptions = {}): BatchProgressReporter {
  const stream = options.stream ?? process.stderr;
  return stream.isTTY ? barReporter(stream) : lineReporter(stream, options.lineEveryMs ?? 10_000);
}

function barReporter(stream: NodeJS.WriteStream): BatchProgressReporter {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format:
        "{bar} {percentage}% | {value}/{total} rows | {rate} rows/s | ETA {eta_formatted} | {failed} failed",
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(progress) {
      const payload = { rate: progress.rate.toFixed(1), failed: progress.failed };
      if (!started) {
        started = true;
        stream.write(`${startLine(progress)}\n`);
        if (progress.toRun > 0) bar.start(progress.toRun, progress.done, payload);
      } else bar.update(progress.done, payload);
    },
    finish(summary) {
      bar.stop();
      stream.write(`${summaryText(summary)}\n`);
    },
    stop: () => bar.stop(),
    note(text) {
      // Clear the bar's line, write the note, and let the next update redraw it.
      stream.write(`\r\x1b[2K${text}\n`);
    },
  };
}

function lineReporter(stream: NodeJS.WriteStream, everyMs: number): BatchProgressReporter {
  let last: number | undefined;
  return {
    update(progress) {
      const now = performance.now();
      if (last === undefined) stream.write(`${startLine(progress)}\n`);
      else if (now - last >= everyMs && progress.toRun > 0) {
        const eta = etaSeconds(progress);
        stream.write(
          `batch: ${progress.done}/${progress.toRun} rows (${percent(progress)}%), ${progress.rate.toFixed(1)} rows/s, ${progress.failed} failed${eta === undefined ? "" : `, ETA ${formatSeconds(eta)}`}\n`,
        );
      } else return;
      last = now;
    },
    finish: (summary) => stream.write(`${summaryText(summary)}\n`),
    stop: () => {},
    note: (text) => stream.write(`${text}\n`),
  };
}

function startLine(progress: BatchProgress): string {
  const skipped =
    progress.skipped > 0 ? ` (${progress.skipped} already in the output, skipped)` : "";
  return `batch: ${progress.toRun} of ${progress.rows} rows to run${skipped}`;
}

/**
 * The closing lines: what ran, what failed (this run and before), and what
 * to do when it stopped early or rows failed.
 *
 * @example
 * summaryText(summary) // "batch: 97 succeeded, 3 failed in 2.1 s (47.6 rows/s) → out.jsonl"
 */
export function summaryText(summary: BatchSummary): string {
  const seconds = summary.elapsedMs / 1000;
  const lines = [
    `batch: ${summary.succeeded} succeeded, ${summary.failed} failed in ${formatSeconds(seconds)} (${summary.rate.toFixed(1)} rows/s) → ${summary.output}`,
  ];
  if (summary.skipped > 0) {
    lines.push(
      `  ${rows(summary.skipped)} ${summary.skipped === 1 ? "was" : "were"} in the output already (${summary.previouslyFailed} of them errors)`,
    );
  }
  const left = summary.toRun - summary.done;
  if (summary.stopped === "max-errors") {
    lines.push(`  stopped early: more rows failed than --max-errors; ${rows(left)} not run`);
  } else if (summary.stopped === "aborted") {
    lines.push(`  stopped: ${rows(left)} not run; run the same command again to go on`);
  }
  if (summary.failedInOutput > 0) {
    lines.push(
      `  ${rows(summary.failedInOutput)} failed: their lines have "error"; to run them again, remove those lines and rerun`,
    );
  }
  return lines.join("\n");
}

function rows(count: number): string {
  return `${count} ${count === 1 ? "row" : "rows"}`;
}

function percent(progress: BatchProgress): string {
  return progress.toRun === 0 ? "100" : ((progress.done / progress.toRun) * 100).toFixed(0);
}

function etaSeconds(progress: BatchProgress): number | undefined {
  return progress.rate > 0 ? (progress.toRun - progress.done) / progress.rate : undefined;
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
