import type { LatencyRecorder } from "./latency-recorder.js";
import type { LevelTiming, LoadWindow } from "./load-window.js";
import type { RequestSender } from "./request-sender.js";

/**
 * Open-loop load: request i is due at start + i/rate, whether or not the
 * earlier ones were answered. Its latency counts from that intended time,
 * so a server that falls behind shows its queueing in the percentiles
 * (no coordinated omission). When `maxInFlight` requests are outstanding a
 * due request is not sent but counted as a "client overloaded" failure,
 * so the client never waits in silence.
 *
 * @example
 * await runOpenLoop(sender, recorder, { rate: 50, maxInFlight: 1000, warmupMs: 2000, durationMs: 10_000 });
 */
export async function runOpenLoop(
  sender: RequestSender,
  recorder: LatencyRecorder,
  options: LoadWindow & { rate: number; maxInFlight: number },
): Promise<LevelTiming> {
  const start = performance.now();
  const warmupEnd = start + options.warmupMs;
  const end = warmupEnd + options.durationMs;
  const intervalMs = 1000 / options.rate;
  const limit = options.maxRequests ?? Number.POSITIVE_INFINITY;
  const pending = new Set<Promise<void>>();
  let measuredCount = 0;
  let lastEnded = warmupEnd;
  recorder.begin(warmupEnd);

  const fire = (intendedAt: number) => {
    const measured = intendedAt >= warmupEnd;
    if (measured) measuredCount++;
    if (pending.size >= options.maxInFlight) {
      if (measured) recorder.recordDropped(intendedAt);
      return;
    }
    const done = sender.send().then((outcome) => {
      const endedAt = performance.now();
      if (measured) {
        recorder.record(outcome, { startedAt: intendedAt, endedAt });
        lastEnded = Math.max(lastEnded, endedAt);
      }
      pending.delete(done);
    });
    pending.add(done);
  };

  // Send everything due, then sleep until the next one is due; a late timer
  // catches up by sending the overdue requests at once (their latency still
  // counts from when they were due).
  for (let i = 0; ; i++) {
    const intendedAt = start + i * intervalMs;
    if (intendedAt >= end || measuredCount >= limit || options.signal?.aborted) break;
    const wait = intendedAt - performance.now();
    if (wait > 1) await sleep(wait);
    // Catching up without a pause would starve the answers' callbacks: yield now and then.
    else if (i % 64 === 63) await new Promise(setImmediate);
    fire(intendedAt);
  }
  await Promise.all(pending);
  return {
    elapsedMs: Math.max(1, Math.max(lastEnded, Math.min(end, performance.now())) - warmupEnd),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
