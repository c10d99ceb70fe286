// The shape both benches return and report.ts prints and writes.
import { type Measurement, ratios, summarize } from "./rounds.js";

/** One server of a bench: how it was run, every round, and the medians. */
export interface ServerResult {
  /** Its exact configuration, e.g. the command line. */
  config: string;
  perRound: Measurement[];
  median: Measurement;
}

/** What one bench measured. */
export interface BenchResult {
  servers: Record<string, ServerResult>;
  /** "servekit/peer" → the per-round throughput ratios and their median. */
  ratios: Record<string, { perRound: number[]; median: number }>;
  /** Bench-specific facts (uvicorn's loop and HTTP implementation, gunicorn workers). */
  details: Record<string, unknown>;
}

/**
 * Builds a {@link BenchResult}: medians per server and, for each servekit
 * server (named "servekit…") and each peer, the per-round ratios. A
 * `ceiling` (a bare server no one would ship) is not a peer: servekit is
 * compared to it, and it to the peers, so the ratios can be read against
 * what the runtime itself allows.
 *
 * @example
 * benchResult(perRound, { servekit: "serve() defaults", fastapi: "uvicorn …" }, {});
 */
export function benchResult(
  perRound: Record<string, Measurement[]>,
  configs: Record<string, string>,
  details: Record<string, unknown>,
  ceiling?: string,
): BenchResult {
  const names = Object.keys(perRound);
  const ours = names.filter((name) => name.startsWith("servekit"));
  const peers = names.filter((name) => !name.startsWith("servekit") && name !== ceiling);
  const servers = Object.fromEntries(
    names.map((name) => [
      name,
      {
        config: configs[name] ?? "",
        perRound: perRound[name]!,
        median: summarize(perRound[name]!),
      },
    ]),
  );
  const compared = ceiling === undefined ? peers : [ceiling, ...peers];
  const pairs = [
    ...ours.flatMap((a) => compared.map((b) => [a, b] as const)),
    ...(ceiling === undefined ? [] : peers.map((b) => [ceiling, b] as const)),
  ].map(([a, b]) => [`${a}/${b}`, ratios(perRound[a]!, perRound[b]!)] as const);
  return { servers, ratios: Object.fromEntries(pairs), details };
}
