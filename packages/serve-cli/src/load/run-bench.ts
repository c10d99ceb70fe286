import type { BenchResult } from "./bench-result.js";
import { compareServers } from "./compare-servers.js";
import type { LoadLevel } from "./level-result.js";
import type { ProgressReporter } from "./progress-line.js";
import { buildRequestTemplate, type RequestSpec } from "./request-template.js";
import { runLevel } from "./run-level.js";

export interface BenchOptions {
  /** The server to load, e.g. http://127.0.0.1:8000. */
  url: string;
  /** A second server measured in alternating rounds with the first. */
  compareUrl?: string | undefined;
  request: RequestSpec;
  /** Run in order: closed loops at concurrencies, open loops at rates. */
  levels: LoadLevel[];
  warmupMs: number;
  durationMs: number;
  /** Measured requests per level at most. */
  maxRequests?: number | undefined;
  /** @default 1000 */
  maxInFlight?: number | undefined;
  /** @default 30000 */
  timeoutMs?: number | undefined;
  /** With `compareUrl`. @default 4 */
  rounds?: number | undefined;
  progress?: ProgressReporter | undefined;
  /** Stops after the level in progress (Ctrl-C); the levels done so far are returned. */
  signal?: AbortSignal | undefined;
}

/**
 * Load-tests a running server: builds the request once (from `-i` inputs
 * checked against the server's OpenAPI document, or a JSON body file), then
 * runs each level in turn and returns the results; with `compareUrl`, both
 * servers in alternating rounds. Requests go only to `url` and `compareUrl`.
 *
 * @example
 * const result = await bench({
 *   url: "http://127.0.0.1:8000",
 *   request: { inputs: ["text=hello"] },
 *   levels: [{ mode: "closed", concurrency: 4 }, { mode: "open", rate: 50 }],
 *   warmupMs: 2000,
 *   durationMs: 10_000,
 * });
 * result.levels[0].latencyMs.p99;
 */
export async function bench(options: BenchOptions): Promise<BenchResult> {
  const startedAt = new Date().toISOString();
  const a = await buildRequestTemplate(options.url, options.request);
  const b = options.compareUrl
    ? await buildRequestTemplate(options.compareUrl, options.request)
    : undefined;
  const maxInFlight = options.maxInFlight ?? 1000;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const run = { ...options, maxInFlight, timeoutMs };
  const rounds = options.rounds ?? 4;
  const result: BenchResult = {
    startedAt,
    url: a.baseUrl + a.path,
    settings: {
      warmupS: options.warmupMs / 1000,
      durationS: options.durationMs / 1000,
      maxRequests: options.maxRequests ?? null,
      maxInFlight,
      timeoutS: timeoutMs / 1000,
      rounds: b ? rounds : null,
    },
    levels: [],
    compare: null,
  };
  if (b) {
    result.compare = { url: b.baseUrl + b.path, levels: [], comparisons: [] };
    for (const level of options.levels) {
      if (options.signal?.aborted) break;
      const one = await compareServers(a, b, [level], { ...run, rounds });
      result.levels.push(...one.a);
      result.compare.levels.push(...one.b);
      result.compare.comparisons.push(...one.comparisons);
    }
    return result;
  }
  for (const level of options.levels) {
    if (options.signal?.aborted) break;
    result.levels.push(await runLevel(a, level, run));
  }
  return result;
}
