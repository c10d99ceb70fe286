import type { LatencyRecorder } from "./latency-recorder.js";

/** Shows how a level is going while it runs. */
export interface ProgressReporter {
  /** Starts reporting on `recorder` under `label`; the returned function stops it. */
  start(label: string, recorder: LatencyRecorder): () => void;
}

/**
 * Progress on `stream` (stderr): on a terminal one line rewritten in place
 * every half second; otherwise a plain line every `plainEveryMs` (logs and
 * CI keep them readable).
 *
 * @example
 * const stop = progressLine(process.stderr).start("concurrency 4", recorder);
 * // [concurrency 4] 5s  1,234 requests  246.8 req/s  p50 12.1 ms  0 failures
 */
export function progressLine(
  stream: NodeJS.WritableStream & { isTTY?: boolean },
  options: { plainEveryMs?: number } = {},
): ProgressReporter {
  const live = stream.isTTY === true;
  const everyMs = live ? 500 : (options.plainEveryMs ?? 5000);
  return {
    start(label, recorder) {
      let last = { at: performance.now(), requests: 0 };
      const tick = () => {
        const now = performance.now();
        const { requests, failures, p50Ms } = recorder.progress();
        const rps = ((requests - last.requests) * 1000) / Math.max(1, now - last.at);
        last = { at: now, requests };
        const text =
          now < recorder.startedAt
            ? `[${label}] warming up`
            : `[${label}] ${Math.floor((now - recorder.startedAt) / 1000)}s  ${requests.toLocaleString("en")} requests  ${rps.toFixed(1)} req/s  p50 ${p50Ms.toFixed(1)} ms  ${failures} failures`;
        stream.write(live ? `\r\x1b[2K${text}` : `${text}\n`);
      };
      const timer = setInterval(tick, everyMs);
      timer.unref();
      return () => {
        clearInterval(timer);
        if (live) stream.write("\r\x1b[2K");
      };
    },
  };
}

/** A reporter that shows nothing (library use, tests). */
export const silentProgress: ProgressReporter = { start: () => () => {} };
