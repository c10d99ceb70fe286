/**
 * The `Server-Timing` value (milliseconds per phase), so clients and benchmarks
 * can tell server time from network time without reading logs.
 *
 * @example
 * c.header("Server-Timing", serverTiming({ read: 1.2, validate: 0.8, queue: 0, predict: 64.1 }));
 * // Server-Timing: read;dur=1.2, validate;dur=0.8, queue;dur=0, predict;dur=64.1
 */
export function serverTiming(phases: Record<string, number>): string {
  // A plain loop: this runs on every prediction, and the arrays of entries/map/join cost more than the string.
  let value = "";
  for (const name in phases) {
    value += `${value === "" ? "" : ", "}${name};dur=${Math.round((phases[name] as number) * 100) / 100}`;
  }
  return value;
}
