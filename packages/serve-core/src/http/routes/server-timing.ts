import type { Context } from "hono";

/**
 * Sets `Server-Timing` (milliseconds per phase), so clients and benchmarks
 * can tell server time from network time without reading logs.
 *
 * @example
 * setServerTiming(c, { read: 1.2, validate: 0.8, queue: 0, predict: 64.1 });
 * // Server-Timing: read;dur=1.2, validate;dur=0.8, queue;dur=0, predict;dur=64.1
 */
export function setServerTiming(c: Context, phases: Record<string, number>): void {
  c.header(
    "Server-Timing",
    Object.entries(phases)
      .map(([name, ms]) => `${name};dur=${Math.round(ms * 100) / 100}`)
      .join(", "),
  );
}
