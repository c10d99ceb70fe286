import { LatencyRecorder } from "./latency-recorder.js";
import { type LevelResult, type LoadLevel, levelName, levelResult } from "./level-result.js";
import type { RequestTemplate } from "./request-template.js";
import { type LevelRunOptions, measureLevel } from "./run-level.js";

/** The figures a comparison puts side by side, from one round of one server. */
export interface RoundFigures {
  rps: number;
  p50Ms: number;
  p99Ms: number;
}

/** B over A: above 1 means B had more throughput (rps) or slower answers (p50, p99). */
export interface Ratios {
  rps: number;
  p50: number;
  p99: number;
}

/** One level of `--compare`: each round's figures and ratios, and the medians over rounds. */
export interface LevelComparison {
  name: string;
  rounds: { order: "AB" | "BA"; a: RoundFigures; b: RoundFigures; ratio: Ratios }[];
  medianRatio: Ratios;
}

export interface ComparisonResult {
  /** Server A's (`--url`) results, its rounds joined; one per level. */
  a: LevelResult[];
  /** Server B's (`--compare`) results. */
  b: LevelResult[];
  comparisons: LevelComparison[];
}

/**
 * Measures two servers in alternating rounds, so that drift on the machine
 * (other load, thermal limits, caches) falls on both alike: each round runs
 * A then B, the next B then A, each for `durationMs / rounds`; the warm-up
 * runs once per server and level, before its first round.
 *
 * @example
 * const { comparisons } = await compareServers(a, b, [{ mode: "closed", concurrency: 4 }], { rounds: 4, warmupMs: 2000, durationMs: 10_000 });
 * comparisons[0].medianRatio.rps; // 1.8: B answered 1.8× as many requests per second
 */
export async function compareServers(
  a: RequestTemplate,
  b: RequestTemplate,
  levels: LoadLevel[],
  options: LevelRunOptions & { rounds: number },
): Promise<ComparisonResult> {
  const result: ComparisonResult = { a: [], b: [], comparisons: [] };
  const perRound = {
    ...options,
    durationMs: options.durationMs / options.rounds,
    maxRequests:
      options.maxRequests === undefined
        ? undefined
        : Math.ceil(options.maxRequests / options.rounds),
  };
  for (const level of levels) {
    const joined = { A: new LatencyRecorder(), B: new LatencyRecorder() };
    const elapsed = { A: 0, B: 0 };
    const nextSecond = { A: 0, B: 0 };
    const rounds: LevelComparison["rounds"] = [];
    for (let round = 0; round < options.rounds; round++) {
      const order = round % 2 === 0 ? "AB" : "BA";
      const figures: Partial<Record<"A" | "B", RoundFigures>> = {};
      for (const server of order === "AB" ? (["A", "B"] as const) : (["B", "A"] as const)) {
        const { recorder, elapsedMs } = await measureLevel(server === "A" ? a : b, level, {
          ...perRound,
          warmupMs: round === 0 ? options.warmupMs : 0,
          label: `${server} ${levelName(level)} round ${round + 1}/${options.rounds}`,
        });
        const stats = recorder.stats();
        figures[server] = {
          rps: levelResult(level, "", stats, elapsedMs).rps,
          p50Ms: stats.latencyMs.p50,
          p99Ms: stats.latencyMs.p99,
        };
        joined[server].absorb(recorder, nextSecond[server]);
        elapsed[server] += elapsedMs;
        // The round's last answer falls in its second floor(elapsed); the next round starts after it.
        nextSecond[server] += Math.floor(elapsedMs / 1000) + 1;
      }
      const [fa, fb] = [figures.A!, figures.B!];
      rounds.push({ order, a: fa, b: fb, ratio: ratios(fa, fb) });
    }
    result.a.push(levelResult(level, a.baseUrl + a.path, joined.A.stats(), elapsed.A));
    result.b.push(levelResult(level, b.baseUrl + b.path, joined.B.stats(), elapsed.B));
    result.comparisons.push({
      name: levelName(level),
      rounds,
      medianRatio: {
        rps: median(rounds.map((r) => r.ratio.rps)),
        p50: median(rounds.map((r) => r.ratio.p50)),
        p99: median(rounds.map((r) => r.ratio.p99)),
      },
    });
  }
  return result;
}

function ratios(a: RoundFigures, b: RoundFigures): Ratios {
  const over = (x: number, y: number) => (y > 0 ? Math.round((x / y) * 1000) / 1000 : Number.NaN);
  return { rps: over(b.rps, a.rps), p50: over(b.p50Ms, a.p50Ms), p99: over(b.p99Ms, a.p99Ms) };
}

function median(values: number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((x, y) => x - y);
  if (sorted.length === 0) return Number.NaN;
  const mid = sorted.length / 2;
  return Number.isInteger(mid) ? (sorted[mid - 1]! + sorted[mid]!) / 2 : sorted[Math.floor(mid)]!;
}
