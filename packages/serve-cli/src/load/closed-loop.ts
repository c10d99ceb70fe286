import type { LatencyRecorder } from "./latency-recorder.js";
import type { LevelTiming, LoadWindow } from "./load-window.js";
import type { RequestSender } from "./request-sender.js";

/**
 * Closed-loop load: `concurrency` virtual users, each sending its next
 * request as soon as its last one is answered, for the warm-up (not
 * recorded) and then the measured window. Requests started inside the
 * window are recorded, also when they end after it.
 *
 * @example
 * const recorder = new LatencyRecorder();
 * await runClosedLoop(sender, recorder, { concurrency: 4, warmupMs: 2000, durationMs: 10_000 });
 */
export async function runClosedLoop(
  sender: RequestSender,
  recorder: LatencyRecorder,
  options: LoadWindow & { concurrency: number },
): Promise<LevelTiming> {
  const warmupEnd = performance.now() + options.warmupMs;
  const end = warmupEnd + options.durationMs;
  const limit = options.maxRequests ?? Number.POSITIVE_INFINITY;
  let started = 0;
  let lastEnded = warmupEnd;
  recorder.begin(warmupEnd);
  const user = async () => {
    for (;;) {
      const now = performance.now();
      if (now >= end || started >= limit || options.signal?.aborted) return;
      const measured = now >= warmupEnd;
      if (measured) started++;
      const outcome = await sender.send();
      const endedAt = performance.now();
      if (measured) {
        recorder.record(outcome, { startedAt: now, endedAt });
        lastEnded = Math.max(lastEnded, endedAt);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, user));
  return { elapsedMs: Math.max(1, lastEnded - warmupEnd) };
}
