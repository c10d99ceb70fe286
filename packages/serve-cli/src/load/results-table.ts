import type { LevelResult } from "./level-result.js";
import { formatMs, textTable } from "./text-table.js";

const HEADER = [
  "Type",
  "Name",
  "# requests",
  "# fails",
  "Median (ms)",
  "90%ile (ms)",
  "99%ile (ms)",
  "99.9%ile (ms)",
  "Average (ms)",
  "Min (ms)",
  "Max (ms)",
  "Avg size (bytes)",
  "RPS",
  "Failures/s",
];
const RIGHT = HEADER.map((_, i) => i >= 2);

/**
 * The final table, in Locust's columns (one row per concurrency level or
 * rate) plus p99.9, then Locust's error report: each failure kind and how
 * often it happened.
 *
 * @example
 * process.stdout.write(`${resultsTable(levels)}\n`);
 * // Type  Name           # requests  # fails  Median (ms)  90%ile (ms) …
 * // POST  concurrency 1        1204        0         7.90         8.60 …
 */
export function resultsTable(levels: LevelResult[]): string {
  const rows = levels.map((level) => [
    "POST",
    level.name,
    String(level.requests),
    String(level.failures),
    formatMs(level.latencyMs.p50),
    formatMs(level.latencyMs.p90),
    formatMs(level.latencyMs.p99),
    formatMs(level.latencyMs.p99_9),
    formatMs(level.latencyMs.mean),
    formatMs(level.latencyMs.min),
    formatMs(level.latencyMs.max),
    String(level.avgBytes),
    level.rps.toFixed(1),
    (level.failures / level.durationS).toFixed(1),
  ]);
  const table = textTable(HEADER, rows, RIGHT);
  const failures = levels.flatMap((level) =>
    Object.entries(level.failuresByKind).map(([kind, count]) => [String(count), level.name, kind]),
  );
  if (failures.length === 0) return table;
  const report = textTable(["# occurrences", "Name", "Error"], failures, [true, false, false]);
  return `${table}\n\nError report\n${report}`;
}
