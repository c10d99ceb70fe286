// Per-mode medians and the printed table of a start-up bench run.
import { median, round } from "../stats.js";
import type { StartRun } from "./measure-start.js";
import type { ModeName } from "./modes.js";

/** One mode's runs summarised: median, min and max of time to READY and RSS then. */
export interface ModeSummary {
  mode: ModeName;
  /** Why the mode was not measured (e.g. "unavailable: serve-cli compile missing"). */
  unavailable?: string;
  runs: number;
  failures: number;
  readyMs?: { median: number; min: number; max: number };
  rssMiB?: { median: number; min: number; max: number };
  /** Median ms from spawn to HTTP listening ("serving …"). */
  servingMs?: number;
  /** Median ms from spawn to "predictor ready". */
  predictorReadyMs?: number;
  /** Median ms from READY until the first predictions (one per worker, sent at once) answered. */
  firstPredictionsMs?: number;
}

/**
 * Summarises one mode's runs; failed runs count as failures and stay out of the figures.
 *
 * @example
 * const summary = summarise("compiled", runs);
 */
export function summarise(mode: ModeName, runs: StartRun[], unavailable?: string): ModeSummary {
  const ok = runs.filter((run) => run.failure === undefined);
  return {
    mode,
    unavailable,
    runs: runs.length,
    failures: runs.length - ok.length,
    readyMs: spread(ok.map((run) => run.readyMs)),
    rssMiB: spread(ok.map((run) => run.rssMiB)),
    servingMs: medianOf(ok.map((run) => run.timeline.servingMs)),
    predictorReadyMs: medianOf(ok.map((run) => run.timeline.predictorReadyMs)),
    firstPredictionsMs: medianOf(ok.map((run) => run.firstPredictionsMs)),
  };
}

/**
 * The summaries as a fixed-width table, one line per mode.
 *
 * @example
 * console.log(formatTable(summaries));
 */
export function formatTable(summaries: ModeSummary[]): string {
  const header = [
    "mode",
    "READY ms (median)",
    "min",
    "max",
    "RSS MiB",
    "listening ms",
    "predictor ready ms",
    "first predictions ms",
    "failed",
  ];
  const rows = summaries.map((s) =>
    s.unavailable
      ? [s.mode, s.unavailable, "", "", "", "", "", "", ""]
      : [
          s.mode,
          show(s.readyMs?.median, 0),
          show(s.readyMs?.min, 0),
          show(s.readyMs?.max, 0),
          show(s.rssMiB?.median, 0),
          show(s.servingMs, 0),
          show(s.predictorReadyMs, 0),
          show(s.firstPredictionsMs, 0),
          `${s.failures}/${s.runs}`,
        ],
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows]
    .map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join("  "))
    .join("\n");
}

function spread(values: (number | undefined)[]): ModeSummary["readyMs"] {
  const known = values.filter((v): v is number => v !== undefined);
  if (known.length === 0) return undefined;
  return {
    median: round(median(known)),
    min: round(Math.min(...known)),
    max: round(Math.max(...known)),
  };
}

function medianOf(values: (number | undefined)[]): number | undefined {
  const known = values.filter((v): v is number => v !== undefined);
  return known.length === 0 ? undefined : round(median(known));
}

function show(value: number | undefined, digits: number): string {
  return value === undefined ? "–" : value.toFixed(digits);
}
