/** The server options and predictor facts that decide how many predictions one instance runs at once. */
export interface ServerSizing {
  /** `workers` (0 runs inline; "auto" is one per vCPU of the instance). */
  workers: number | "auto";
  /** `processes` ("auto" is one per vCPU of the instance). @default 1 */
  processes?: number | "auto";
  /** `maxConcurrency`. @default `workers`, or 1 inline */
  maxConcurrency?: number;
  /** The predictor's `batch.maxSize`; 1 when it does not batch. @default 1 */
  batchSize?: number;
}

/**
 * Predictions one instance runs at once, as `ModelRuntime.capacity` counts
 * them (slots × batch size) times the processes, for an instance with
 * `cpus` vCPUs ("auto" counts its vCPUs, not this machine's cores).
 *
 * This, not capacity + `maxQueue`, is what Cloud Run's `--concurrency`
 * should be: Cloud Run scales out when instances near their concurrency, so
 * requests it sends beyond the capacity would wait in the server's queue,
 * unseen by the autoscaler, instead of starting another instance.
 *
 * @example
 * serverCapacity({ workers: 2, batchSize: 8 }, 2).requests; // 16
 */
export function serverCapacity(
  sizing: ServerSizing,
  cpus: number,
): { requests: number; explanation: string } {
  const perCpu = Math.max(1, Math.ceil(cpus));
  const workers = sizing.workers === "auto" ? perCpu : sizing.workers;
  const processes = sizing.processes === "auto" ? perCpu : (sizing.processes ?? 1);
  const maxConcurrency = sizing.maxConcurrency ?? Math.max(workers, 1);
  // Inline, maxConcurrency alone bounds the slots; a pool has one slot per worker.
  const slots = workers === 0 ? maxConcurrency : Math.min(maxConcurrency, workers);
  const batchSize = sizing.batchSize ?? 1;
  const requests = slots * batchSize * processes;
  const parts = [
    workers === 0 ? `maxConcurrency ${maxConcurrency} (inline)` : `${slots} worker slot(s)`,
    ...(batchSize > 1 ? [`batch size ${batchSize}`] : []),
    ...(processes > 1 ? [`${processes} processes`] : []),
  ];
  return { requests, explanation: `${parts.join(" × ")} = ${requests}` };
}
