import { ServeError } from "../errors.js";

interface Waiter {
  grant: () => void;
  fail: (error: unknown) => void;
}

/**
 * Lets at most `maxConcurrency` predictions run at once; the rest wait in a
 * FIFO queue of at most `maxQueue`. A full queue is refused with 503.
 */
export class ConcurrencyLimiter {
  private running = 0;
  private readonly waiting: Waiter[] = [];

  constructor(
    readonly maxConcurrency: number,
    readonly maxQueue: number,
  ) {}

  /** Predictions running now. */
  get active(): number {
    return this.running;
  }

  /** Predictions waiting for a free slot. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Whether every slot is taken. */
  get saturated(): boolean {
    return this.running >= this.maxConcurrency;
  }

  /**
   * Waits for a free slot; returns the function that frees it. Rejects with
   * 503 when the queue is full or `timeoutMs` passes first (at once when it
   * is 0 or less and no slot is free), or with the signal's reason if it
   * aborts first.
   */
  acquire(signal: AbortSignal, timeoutMs = Number.POSITIVE_INFINITY): Promise<() => void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.running < this.maxConcurrency && this.waiting.length === 0) {
      this.running++;
      return Promise.resolve(this.releaser());
    }
    if (this.waiting.length >= this.maxQueue) {
      return Promise.reject(
        new ServeError(
          "OVERLOADED",
          `server is at capacity (${this.running} running, ${this.waiting.length} queued); retry shortly`,
          { retryAfterSeconds: 1 },
        ),
      );
    }
    if (timeoutMs <= 0) {
      return Promise.reject(
        new ServeError(
          "OVERLOADED",
          "the queue timeout passed before a slot came free (it counts from the request's arrival); retry shortly",
          { retryAfterSeconds: 1 },
        ),
      );
    }
    return new Promise((resolve, reject) => {
      const leave = (reason: unknown) => {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        const at = this.waiting.indexOf(waiter);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(reason);
      };
      const waiter: Waiter = {
        grant: () => {
          clearTimeout(timer);
          signal.removeEventListener("abort", onAbort);
          this.running++;
          resolve(this.releaser());
        },
        fail: leave,
      };
      const onAbort = () => leave(signal.reason);
      const timer = Number.isFinite(timeoutMs)
        ? setTimeout(
            () =>
              leave(
                new ServeError(
                  "OVERLOADED",
                  `waited ${Math.round(timeoutMs)} ms in the queue without a free slot; retry shortly`,
                  {
                    retryAfterSeconds: 1,
                  },
                ),
              ),
            timeoutMs,
          )
        : undefined;
      signal.addEventListener("abort", onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  /** Resolves once nothing runs and nothing waits. */
  async idle(pollMs = 20): Promise<void> {
    while (this.running > 0 || this.waiting.length > 0) {
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running--;
      this.waiting.shift()?.grant();
    };
  }
}
