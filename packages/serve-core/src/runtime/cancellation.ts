/**
 * Why and when work stops early (its caller left, it timed out, the runtime
 * stops), for the runtime's own wiring. An AbortController per prediction
 * and EventTarget listeners on it cost microseconds each in Node, a large
 * share of a light model's whole time, so listeners here are a plain Set
 * and an AbortSignal is made only when something asks for it, already
 * aborted if the work was: a predictor that reads `ctx.signal`, or the
 * batcher; the caller, queue, executor and shutdown wiring never do.
 *
 * @example
 * const job = new Cancellation();
 * const stopListening = job.onAbort((reason) => log.warn({ reason }, "aborted"));
 * job.abort(new ServeError("TIMEOUT", "took too long"));
 */
export class Cancellation {
  private listeners: Set<(reason: unknown) => void> | undefined;
  private controller: AbortController | undefined;
  private abortedWith: { reason: unknown } | undefined;

  get aborted(): boolean {
    return this.abortedWith !== undefined;
  }

  get reason(): unknown {
    return this.abortedWith?.reason;
  }

  /** An AbortSignal that follows this cancellation, made on first use. */
  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.abortedWith) this.controller.abort(this.abortedWith.reason);
    }
    return this.controller.signal;
  }

  /** Aborts with `reason` (the first abort wins) and calls every listener once. */
  abort(reason: unknown): void {
    if (this.abortedWith) return;
    this.abortedWith = { reason };
    this.controller?.abort(reason);
    const listeners = this.listeners;
    this.listeners = undefined;
    for (const listener of listeners ?? []) listener(reason);
  }

  /** Calls `listener` once when aborted (at once if aborted already); returns what removes it. */
  onAbort(listener: (reason: unknown) => void): () => void {
    if (this.abortedWith) {
      listener(this.abortedWith.reason);
      return NOTHING;
    }
    this.listeners ??= new Set();
    this.listeners.add(listener);
    return () => this.listeners?.delete(listener);
  }
}

const NOTHING = () => {};

/**
 * `signal` as a {@link Cancellation} (itself when it is one), and what stops
 * following it: call that when done, as a caller's signal may outlive the work.
 */
export function asCancellation(signal: AbortSignal | Cancellation | undefined): {
  cancel: Cancellation;
  unfollow: () => void;
} {
  if (signal instanceof Cancellation) return { cancel: signal, unfollow: NOTHING };
  const cancel = new Cancellation();
  if (signal === undefined) return { cancel, unfollow: NOTHING };
  if (signal.aborted) {
    cancel.abort(signal.reason);
    return { cancel, unfollow: NOTHING };
  }
  const onAbort = () => cancel.abort(signal.reason);
  signal.addEventListener("abort", onAbort, { once: true });
  return { cancel, unfollow: () => signal.removeEventListener("abort", onAbort) };
}
