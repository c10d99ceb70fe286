// The printed table of a bench and the results file.
import { mkdirSync, writeFileSync } from "node:fs";
import type { BenchResult } from "./bench-result.js";

/**
 * A bench as a markdown table (median req/s, p50, errors per server) and
 * one line per servekit/peer ratio.
 *
 * @example
 * process.stdout.write(formatBench("echo", echo));
 */
export function formatBench(title: string, result: BenchResult): string {
  const rows = Object.entries(result.servers).map(
    ([name, { median, config }]) =>
      `| ${name} | ${median.reqPerSec} | ${median.p50Ms} ms | ${median.errors} | ${config} |`,
  );
  const ratios = Object.entries(result.ratios).map(
    ([pair, { perRound, median }]) =>
      `${pair}: median ${median}× (rounds: ${perRound.map((r) => `${r}×`).join(", ")})`,
  );
  return [
    "",
    `${title}:`,
    "",
    "| server | req/s (median) | p50 (median) | errors | configuration |",
    "|---|---|---|---|---|",
    ...rows,
    "",
    ...ratios,
    "",
  ].join("\n");
}

/**
 * Writes `results` as pretty JSON to `<dir>/latest.json`, creating the folder.
 *
 * @example
 * writeResults(new URL("./results/", import.meta.url), { date, benches });
 */
export function writeResults(dir: URL, results: unknown): string {
  mkdirSync(dir, { recursive: true });
  const file = new URL("latest.json", dir);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return file.pathname;
}
