import type { LevelComparison } from "./compare-servers.js";
import type { LevelResult } from "./level-result.js";

/** What `serve-cli bench --json` prints (documented in docs/bench.md). */
export interface BenchResult {
  /** When the run started (ISO 8601). */
  startedAt: string;
  /** Server A's request URL, e.g. http://127.0.0.1:8000/predict. */
  url: string;
  settings: {
    warmupS: number;
    durationS: number;
    /** `--requests` per level, or null. */
    maxRequests: number | null;
    maxInFlight: number;
    timeoutS: number;
    /** `--rounds` with `--compare`, else null. */
    rounds: number | null;
  };
  /** One per concurrency level or rate (server A's with `--compare`). */
  levels: LevelResult[];
  /** With `--compare`: server B's levels and the B/A ratios; else null. */
  compare: { url: string; levels: LevelResult[]; comparisons: LevelComparison[] } | null;
}
