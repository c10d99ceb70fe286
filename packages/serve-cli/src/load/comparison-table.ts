import type { LevelComparison } from "./compare-servers.js";
import { textTable } from "./text-table.js";

/**
 * The `--compare` summary: per level, B over A for requests per second,
 * median and p99 latency, each the median of the rounds' ratios.
 *
 * @example
 * comparisonTable(comparisons, { a: "http://127.0.0.1:8000", b: "http://127.0.0.1:8001", rounds: 4 });
 * // B/A ratios, median of 4 rounds (A = http://127.0.0.1:8000, B = http://127.0.0.1:8001)
 * // Name           RPS B/A  p50 B/A  p99 B/A
 * // concurrency 4    1.82x    0.55x    0.61x
 */
export function comparisonTable(
  comparisons: LevelComparison[],
  servers: { a: string; b: string; rounds: number },
): string {
  const x = (ratio: number) => (Number.isNaN(ratio) ? "n/a" : `${ratio.toFixed(2)}x`);
  const rows = comparisons.map((c) => [
    c.name,
    x(c.medianRatio.rps),
    x(c.medianRatio.p50),
    x(c.medianRatio.p99),
  ]);
  return [
    `B/A ratios, median of ${servers.rounds} round${servers.rounds > 1 ? "s" : ""} (A = ${servers.a}, B = ${servers.b})`,
    textTable(["Name", "RPS B/A", "p50 B/A", "p99 B/A"], rows, [false, true, true, true]),
  ].join("\n");
}
