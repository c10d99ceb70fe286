// Alternating rounds: round r loads every server once, closed-loop, in an
// order rotated by r, so drift in a shared machine hits each alike. Then
// per-server medians and per-round servekit/peer ratios.
import { closedLoop } from "../closed-loop.js";
import { median, round } from "../stats.js";

/** One server under load: its name in the results and the URL to POST to. */
export interface Contender {
  name: string;
  url: string;
}

/** What one closed-loop measurement of one server gave. */
export interface Measurement {
  reqPerSec: number;
  p50Ms: number;
  errors: number;
}

/** Options of {@link alternatingRounds}. */
export interface RoundsOptions {
  contenders: Contender[];
  /** The JSON body every request sends, to every server. */
  body: Buffer;
  rounds: number;
  /** Measured seconds per server per round. */
  seconds: number;
  concurrency: number;
  /** Called after each measurement, e.g. to print it. */
  onMeasurement?: (round: number, name: string, result: Measurement) => void;
}

/**
 * Measures every contender once per round, rotating who goes first.
 *
 * @example
 * const perRound = await alternatingRounds({ contenders, body, rounds: 5, seconds: 5, concurrency: 64 });
 * // perRound["servekit"][0].reqPerSec
 */
export async function alternatingRounds(
  options: RoundsOptions,
): Promise<Record<string, Measurement[]>> {
  const { contenders } = options;
  const perRound: Record<string, Measurement[]> = Object.fromEntries(
    contenders.map((contender) => [contender.name, []]),
  );
  for (let r = 0; r < options.rounds; r++) {
    const order = contenders.map((_, i) => contenders[(i + r) % contenders.length]!);
    for (const contender of order) {
      const result = await closedLoop({
        url: contender.url,
        body: options.body,
        concurrency: options.concurrency,
        seconds: options.seconds,
        warmUpSeconds: Math.min(2, options.seconds),
      });
      perRound[contender.name]!.push(result);
      options.onMeasurement?.(r, contender.name, result);
    }
  }
  return perRound;
}

/** Median req/s and p50 over rounds, and the errors (non-200) of all rounds together. */
export function summarize(measurements: Measurement[]): Measurement {
  return {
    reqPerSec: round(median(measurements.map((m) => m.reqPerSec))),
    p50Ms: round(median(measurements.map((m) => m.p50Ms)), 2),
    errors: measurements.reduce((sum, m) => sum + m.errors, 0),
  };
}

/** servekit/peer throughput ratio of each round (same round, so same machine state) and their median. */
export function ratios(servekit: Measurement[], peer: Measurement[]) {
  const perRound = servekit.map((m, i) => round(m.reqPerSec / peer[i]!.reqPerSec, 2));
  return { perRound, median: round(median(perRound), 2) };
}
