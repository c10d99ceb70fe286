/** How the pool retries a crashed worker whose replacement fails setup. */
export interface WorkerRestartPolicy {
  /** Failed setups of one worker's replacements in a row before the pool gives up. */
  attempts: number;
  /** Wait before the second try; it doubles on each failure. */
  initialDelayMs: number;
  /** Longest wait between tries. */
  maxDelayMs: number;
}

/** The pool's policy unless told otherwise: 5 tries, waits of 1 s doubling up to 30 s. */
export const DEFAULT_RESTART_POLICY: WorkerRestartPolicy = {
  attempts: 5,
  initialDelayMs: 1_000,
  maxDelayMs: 30_000,
};

/**
 * Counts the failed setups of each worker's replacements in a row and says
 * how long to wait before the next try, or that there is none left.
 *
 * @example
 * const backoff = new RestartBackoff({ attempts: 5, initialDelayMs: 1_000, maxDelayMs: 30_000 });
 * backoff.failed(0); // 1_000, then 2_000, 4_000, 8_000, then undefined: give up
 */
export class RestartBackoff {
  private readonly failures = new Map<number, number>();

  constructor(private readonly policy: WorkerRestartPolicy) {}

  /** Records a failed replacement of worker `index`: ms to wait before the next, or undefined to give up. */
  failed(index: number): number | undefined {
    const failures = (this.failures.get(index) ?? 0) + 1;
    this.failures.set(index, failures);
    if (failures >= this.policy.attempts) return undefined;
    return Math.min(this.policy.initialDelayMs * 2 ** (failures - 1), this.policy.maxDelayMs);
  }

  /** A replacement of worker `index` is serving: its count starts again. */
  succeeded(index: number): void {
    this.failures.delete(index);
  }

  /** Failed replacements in a row, summed over the workers. */
  get pending(): number {
    let sum = 0;
    for (const n of this.failures.values()) sum += n;
    return sum;
  }
}
