import type { BenchResult } from "./bench-result.js";
import { comparisonTable } from "./comparison-table.js";
import type { LevelResult } from "./level-result.js";
import { resultsTable } from "./results-table.js";

/**
 * The levels as table rows: as they are, or with `--compare` each level's
 * A row then its B row, named `A concurrency 4`, `B concurrency 4`.
 *
 * @example
 * tableRows(result).map((row) => row.name); // ["A concurrency 4", "B concurrency 4"]
 */
export function tableRows(result: BenchResult): LevelResult[] {
  const compare = result.compare;
  if (!compare) return result.levels;
  return result.levels.flatMap((a, i) => {
    const b = compare.levels[i];
    const rows = [{ ...a, name: `A ${a.name}` }];
    return b ? [...rows, { ...b, name: `B ${b.name}` }] : rows;
  });
}

/**
 * What `serve-cli bench` prints: the results table (and error report), and
 * with `--compare` the B/A ratios below it.
 *
 * @example
 * process.stdout.write(`${benchSummary(result)}\n`);
 */
export function benchSummary(result: BenchResult): string {
  const table = resultsTable(tableRows(result));
  if (!result.compare) return table;
  const ratios = comparisonTable(result.compare.comparisons, {
    a: result.url,
    b: result.compare.url,
    rounds: result.settings.rounds ?? 1,
  });
  return `${table}\n\n${ratios}`;
}
