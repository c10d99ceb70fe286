import { statSync } from "node:fs";
import {
  downloadWeights,
  locateWeights,
  type WeightsFile,
  type WeightsLocation,
  type WeightsProgress,
  weightsFileName,
} from "@servekit/core";
import type { PredictorWeights } from "./target-weights.js";

/** What `pull` did for one declared file. */
export interface PullResult {
  predictor: string;
  name: string;
  file: string;
  /** Found locally already, downloaded into the cache now, or failed. */
  outcome: "present" | "downloaded" | "failed";
  /** Where it was found; "cache" once downloaded. */
  source?: Exclude<WeightsLocation["source"], "missing">;
  path?: string;
  /** Bytes of the local copy. */
  size?: number;
  /** The failure's message (it says what to do). */
  error?: string;
}

export interface PullOptions {
  onProgress?: (progress: WeightsProgress) => void;
  signal?: AbortSignal;
}

/**
 * Makes every declared file of the entries local: one found in the override
 * folder, the project's `weights/` folder or the cache is left as it is; a
 * missing one is downloaded into the cache (resumed, checked against its
 * sha256). Goes on past a failure, so one run reports them all.
 *
 * @example
 * const results = await pullWeights(await loadTargetWeights({ target: "." }), { onProgress: (p) => reporter.update(p) });
 * if (results.some((r) => r.outcome === "failed")) process.exitCode = 1;
 */
export async function pullWeights(
  entries: readonly PredictorWeights[],
  options: PullOptions = {},
): Promise<PullResult[]> {
  const results: PullResult[] = [];
  for (const entry of entries) {
    for (const [name, file] of Object.entries(entry.declarations)) {
      results.push(await pullOne(entry, name, file, options));
    }
  }
  return results;
}

/** One file made local: found, or downloaded into the cache. */
export async function pullOne(
  entry: PredictorWeights,
  name: string,
  file: WeightsFile,
  options: PullOptions = {},
): Promise<PullResult> {
  const base = { predictor: entry.key, name, file: weightsFileName(file) };
  try {
    const location = await locateWeights(name, file, entry.settings);
    if (location.source !== "missing" && location.path) {
      const size = statSync(location.path).size;
      return { ...base, outcome: "present", source: location.source, path: location.path, size };
    }
    const path = await downloadWeights(name, file, entry.settings, {
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    return { ...base, outcome: "downloaded", source: "cache", path, size: statSync(path).size };
  } catch (error) {
    if (options.signal?.aborted) throw error;
    return {
      ...base,
      outcome: "failed",
      error: error instanceof Error ? error.message : String(error),
    };
  }
}

/**
 * The closing lines of a pull: counts, then each failure with its message.
 *
 * @example
 * pullSummary(results) // "weights: 1 downloaded, 2 already local, 0 failed"
 */
export function pullSummary(results: readonly PullResult[]): string {
  const count = (outcome: PullResult["outcome"]) =>
    results.filter((r) => r.outcome === outcome).length;
  const lines = [
    `weights: ${count("downloaded")} downloaded, ${count("present")} already local, ${count("failed")} failed`,
  ];
  for (const r of results) {
    if (r.outcome === "failed") lines.push(`  ${r.predictor} ${r.name} (${r.file}): ${r.error}`);
  }
  return lines.join("\n");
}
