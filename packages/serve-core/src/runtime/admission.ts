/**
 * Backpressure: which predictions run, which wait, which are refused.
 *
 * - At most `capacity` predictions hold a slot at once; the rest wait in one
 *   FIFO queue of at most `maxQueue` (sync, async, and later batch and stream
 *   predictions share it).
 * - Refused with 503 when not accepting (shutting down: DRAINING; setup
 *   running, failed, or no worker left: NOT_READY), when the queue is full, or
 *   when a request's queue timeout passes before a slot comes free
 *   (OVERLOADED). Refusing is cheap, so a face checks before it reads a body.
 * - Work already accepted (an async prediction) waits as long as it takes,
 *   even past `maxQueue`, and leaves the queue only when cancelled.
 * - Overload refusals carry `Retry-After` ≈ the time until this request would
 *   get a slot: (running + queued + 1) / capacity × mean service time, where
 *   the mean is an exponentially weighted mean of recent slot holding times
 *   (1 s until the first prediction has finished); rounded up, clamped to
 *   1–60 s.
 */
import { ServeError } from "../errors.js";
import type { Cancellation } from "./cancellation.js";
import type { Executor } from "./executor/executor.js";

/** What admission reads to decide whether predictions are accepted now. */
export type AdmissionSource = Pick<Executor, "accepting" | "state" | "setup" | "workers">;

export interface AdmissionOptions {
  /** Predictions that hold a slot at once. */
  capacity: number;
  /** Predictions that wait for a slot; a request beyond it is refused. */
  maxQueue: number;
  /** Whether predictions are accepted: setup done, a worker serving. */
  executor: AdmissionSource;
  /** Whether refusals may quote setup's error (it can name server files). @default true */
  exposeSetupDetails?: boolean;
}

/** How one prediction waits for its slot. */
export interface AcquireOptions {
  /** Longest it waits; 0 or less refuses at once unless a slot is free. @default Infinity */
  timeoutMs?: number;
  /** Already accepted (an async prediction): waits even past `maxQueue`. @default false */
  accepted?: boolean;
}

interface Waiter {
  grant: () => void;
}

/** Weight of the newest service time in the running mean. */
const SERVICE_TIME_WEIGHT = 0.2;
/** The service time assumed until a prediction has finished: so a refusal still grows with the queue. */
const UNKNOWN_SERVICE_MS = 1_000;
const MIN_RETRY_AFTER_S = 1;
const MAX_RETRY_AFTER_S = 60;

/** Capacity, one bounded FIFO queue and refusal, for every kind of prediction. */
export class Admission {
  readonly capacity: number;
  readonly maxQueue: number;
  private running = 0;
  private readonly waiting: Waiter[] = [];
  private stopped = false;
  /** Exponentially weighted mean of how long a slot was held, in ms; undefined before the first. */
  private meanServiceMs: number | undefined;

  constructor(private readonly options: AdmissionOptions) {
    this.capacity = options.capacity;
    this.maxQueue = options.maxQueue;
  }

  /** Predictions holding a slot now. */
  get active(): number {
    return this.running;
  }

  /** Predictions waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Whether every slot is taken. */
  get saturated(): boolean {
    return this.running >= this.capacity;
  }

  /** True once shutdown has begun: nothing new is accepted. */
  get draining(): boolean {
    return this.stopped;
  }

  /** Stops accepting: new predictions are refused with 503 DRAINING. */
  drain(): void {
    this.stopped = true;
  }

  /**
   * Seconds a refused client should wait: until a slot would come free for
   * it at the recent pace (see the file's comment), 1–60.
   */
  retryAfterSeconds(): number {
    const waitMs =
      ((this.running + this.waiting.length + 1) / this.capacity) *
      (this.meanServiceMs ?? UNKNOWN_SERVICE_MS);
    return Math.min(MAX_RETRY_AFTER_S, Math.max(MIN_RETRY_AFTER_S, Math.ceil(waitMs / 1000)));
  }

  /** Throws the 503 a prediction would get now for not being accepted (draining, not ready). */
  assertAccepting(): void {
    if (this.stopped) {
      throw new ServeError(
        "DRAINING",
        "server is shutting down and takes no new predictions; retry, another instance will answer",
        { retryAfterSeconds: 1 },
      );
    }
    const { executor, exposeSetupDetails = true } = this.options;
    if (executor.accepting) return;
    const state = executor.state;
    if (state === "SETUP_FAILED") {
      throw new ServeError(
        "NOT_READY",
        exposeSetupDetails
          ? `predictor setup failed: ${executor.setup.error ?? "see /health"}`
          : "predictor setup failed; the server's log has the details",
      );
    }
    if (state === "DEFUNCT") {
      throw new ServeError(
        "NOT_READY",
        `no worker serves and crashed ones could not be replaced (${(exposeSetupDetails && executor.workers?.last_restart_error) || "see the server's log"}); the process must be restarted`,
      );
    }
    if (state === "STARTING") {
      throw new ServeError(
        "NOT_READY",
        "predictor is still starting (setup running); retry shortly",
        { retryAfterSeconds: 1 },
      );
    }
  }

  /**
   * Throws the 503 a new prediction would get now: not accepting, or every
   * slot and queue place taken. Cheap, so a face can call it before it reads
   * and parses a request, and overload costs little.
   */
  refuseWhenFull(): void {
    this.assertAccepting();
    if (this.running + this.waiting.length >= this.capacity + this.maxQueue) throw this.full();
  }

  /**
   * A slot now, without waiting: the function that frees it when accepting,
   * a slot is free and nothing waits; undefined otherwise (then
   * {@link acquire} waits or refuses). Spares an uncontended request the
   * abort wiring of waiting.
   */
  tryAcquire(): (() => void) | undefined {
    if (this.stopped || !this.options.executor.accepting) return undefined;
    if (this.running >= this.capacity || this.waiting.length > 0) return undefined;
    this.running++;
    return this.releaser();
  }

  /**
   * Waits for a free slot; returns the function that frees it. Rejects with
   * 503 when not accepting, when the queue is full (unless `accepted`), or
   * when `timeoutMs` passes first; with the cancellation's reason if it aborts first.
   */
  acquire(
    cancel: Cancellation,
    { timeoutMs = Number.POSITIVE_INFINITY, accepted = false }: AcquireOptions = {},
  ): Promise<() => void> {
    if (cancel.aborted) return Promise.reject(cancel.reason);
    try {
      this.assertAccepting();
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.running < this.capacity && this.waiting.length === 0) {
      this.running++;
      return Promise.resolve(this.releaser());
    }
    if (!accepted && this.waiting.length >= this.maxQueue) return Promise.reject(this.full());
    if (timeoutMs <= 0) {
      return Promise.reject(
        this.overloaded(
          "the queue timeout passed before a slot came free (it counts from the request's arrival); retry shortly",
        ),
      );
    }
    return new Promise((resolve, reject) => {
      const leave = (reason: unknown) => {
        clearTimeout(timer);
        stopListening();
        const at = this.waiting.indexOf(waiter);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(reason);
      };
      const waiter: Waiter = {
        grant: () => {
          clearTimeout(timer);
          stopListening();
          this.running++;
          resolve(this.releaser());
        },
      };
      // Computed while this request still counts in the queue.
      const timedOut = () =>
        leave(
          this.overloaded(
            `waited ${Math.round(timeoutMs)} ms in the queue without a free slot; retry shortly`,
          ),
        );
      const timer = Number.isFinite(timeoutMs) ? setTimeout(timedOut, timeoutMs) : undefined;
      const stopListening = cancel.onAbort(leave);
      this.waiting.push(waiter);
    });
  }

  /** Resolves once nothing runs and nothing waits. */
  async idle(pollMs = 20): Promise<void> {
    while (this.running > 0 || this.waiting.length > 0) {
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  private full(): ServeError {
    return this.overloaded(
      `server is at capacity (${this.running} running, ${this.waiting.length} queued); retry shortly`,
    );
  }

  private overloaded(message: string): ServeError {
    return new ServeError("OVERLOADED", message, { retryAfterSeconds: this.retryAfterSeconds() });
  }

  private releaser(): () => void {
    const granted = performance.now();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.observeServiceTime(performance.now() - granted);
      this.running--;
      this.waiting.shift()?.grant();
    };
  }

  private observeServiceTime(ms: number): void {
    this.meanServiceMs =
      this.meanServiceMs === undefined
        ? ms
        : this.meanServiceMs + SERVICE_TIME_WEIGHT * (ms - this.meanServiceMs);
  }
}
