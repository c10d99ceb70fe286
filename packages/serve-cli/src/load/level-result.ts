import { CLIENT_OVERLOADED, type RecordedStats } from "./latency-recorder.js";

/** One load level: a closed loop at a concurrency, or an open loop at a rate. */
export type LoadLevel = { mode: "closed"; concurrency: number } | { mode: "open"; rate: number };

/** A level's results: one row of the table, one entry of `--json`'s `levels`. */
export interface LevelResult extends RecordedStats {
  /** `concurrency 4` or `rate 50/s`. */
  name: string;
  mode: LoadLevel["mode"];
  concurrency: number | null;
  /** Requests per second asked for (open loop). */
  rate: number | null;
  /** The URL the requests went to. */
  url: string;
  /** Measured seconds: the window's start to the last answer. */
  durationS: number;
  /** Answered requests per second (requests dropped by --max-in-flight are not answers). */
  rps: number;
}

/**
 * A level's name as the table and `--json` show it.
 *
 * @example
 * levelName({ mode: "open", rate: 50 }) // "rate 50/s"
 */
export function levelName(level: LoadLevel): string {
  return level.mode === "closed" ? `concurrency ${level.concurrency}` : `rate ${level.rate}/s`;
}

/**
 * Puts a level's recorded stats and timing together into its result.
 *
 * @example
 * levelResult({ mode: "closed", concurrency: 4 }, url, recorder.stats(), 10_000)
 */
export function levelResult(
  level: LoadLevel,
  url: string,
  stats: RecordedStats,
  elapsedMs: number,
): LevelResult {
  const answered = stats.requests - (stats.failuresByKind[CLIENT_OVERLOADED] ?? 0);
  return {
    name: levelName(level),
    mode: level.mode,
    concurrency: level.mode === "closed" ? level.concurrency : null,
    rate: level.mode === "open" ? level.rate : null,
    url,
    durationS: round(elapsedMs / 1000, 3),
    rps: round(answered / (elapsedMs / 1000), 2),
    ...stats,
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
