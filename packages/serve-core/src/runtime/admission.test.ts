import { describe, expect, it } from "vitest";
import { ServeError } from "../errors.js";
import { Admission } from "./admission.js";
import { Cancellation } from "./cancellation.js";
import { pendingSetupReport } from "./executor/setup-report.js";

/** Admission over an executor that serves. */
function admission(capacity: number, maxQueue: number): Admission {
  const executor = {
    accepting: true,
    state: "READY" as const,
    setup: pendingSetupReport(),
    workers: undefined,
  };
  return new Admission({ capacity, maxQueue, executor });
}

describe("Admission", () => {
  it("admits up to maxConcurrency at once and the rest in FIFO order", async () => {
    const limiter = admission(2, 10);
    const never = new Cancellation();
    const first = await limiter.acquire(never);
    await limiter.acquire(never);
    expect(limiter.saturated).toBe(true);
    const order: number[] = [];
    const third = limiter.acquire(never).then((release) => {
      order.push(3);
      return release;
    });
    const fourth = limiter.acquire(never).then((release) => {
      order.push(4);
      return release;
    });
    expect(limiter.queued).toBe(2);
    first();
    (await third)();
    await fourth;
    expect(order).toEqual([3, 4]);
  });

  it("refuses with a 503 and Retry-After when the queue is full", async () => {
    const limiter = admission(1, 1);
    const never = new Cancellation();
    await limiter.acquire(never);
    void limiter.acquire(never);
    const refused = await limiter.acquire(never).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ServeError);
    expect((refused as ServeError).status).toBe(503);
    // Nothing has finished yet, so 1 s per prediction: (1 running + 1 queued + 1) × 1 s.
    expect((refused as ServeError).retryAfterSeconds).toBe(3);
  });

  it("drops a waiter whose cancellation aborts, so it never runs", async () => {
    const limiter = admission(1, 5);
    const release = await limiter.acquire(new Cancellation());
    const gone = new Cancellation();
    const waiting = limiter.acquire(gone);
    gone.abort(new Error("client went away"));
    await expect(waiting).rejects.toThrow("client went away");
    expect(limiter.queued).toBe(0);
    release();
    expect(limiter.active).toBe(0);
  });

  it("frees a slot only once even if released twice", async () => {
    const limiter = admission(1, 5);
    const release = await limiter.acquire(new Cancellation());
    release();
    release();
    expect(limiter.active).toBe(0);
  });

  it("gives up on a waiter after timeoutMs with a 503 and Retry-After", async () => {
    const limiter = admission(1, 5);
    await limiter.acquire(new Cancellation());
    const waited = await limiter
      .acquire(new Cancellation(), { timeoutMs: 20 })
      .catch((e: unknown) => e);
    // Computed while it still counts in the queue: (1 running + 1 queued + 1) × 1 s.
    expect(waited).toMatchObject({ code: "OVERLOADED", retryAfterSeconds: 3 });
    expect(limiter.queued).toBe(0);
  });

  it("refuses at once when no time is left to wait, yet still grants a free slot", async () => {
    const limiter = admission(1, 5);
    const never = new Cancellation();
    const release = await limiter.acquire(never, { timeoutMs: 0 });
    const refusing = limiter.acquire(never, { timeoutMs: -5 }).catch((e: unknown) => e);
    expect(limiter.queued).toBe(0);
    expect(await refusing).toMatchObject({ code: "OVERLOADED", retryAfterSeconds: 2 });
    release();
  });

  it("computes Retry-After from the queue depth and the recent service time", async () => {
    const limiter = admission(1, 10);
    const never = new Cancellation();
    const first = await limiter.acquire(never);
    await new Promise((r) => setTimeout(r, 400));
    first(); // one slot held ~400 ms: the mean service time
    await limiter.acquire(never);
    const shallow = limiter.retryAfterSeconds(); // (1 running + 0 queued + 1) × 0.4 s → 1
    for (let i = 0; i < 4; i++) void limiter.acquire(never).catch(() => {});
    const deep = limiter.retryAfterSeconds(); // (1 + 4 + 1) × 0.4 s = 2.4 → 3
    expect(shallow).toBe(1);
    expect(deep).toBeGreaterThanOrEqual(3);
    for (let i = 0; i < 6; i++) void limiter.acquire(never).catch(() => {});
    const refused = await limiter.acquire(never).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: "OVERLOADED" });
    expect((refused as ServeError).retryAfterSeconds).toBeGreaterThan(deep);
  });

  it("grows Retry-After with the queue before any prediction has finished (1 s each)", () => {
    const limiter = admission(1, 20);
    const never = new Cancellation();
    void limiter.acquire(never);
    const shallow = limiter.retryAfterSeconds(); // (1 + 0 + 1) × 1 s
    for (let i = 0; i < 9; i++) void limiter.acquire(never).catch(() => {});
    expect(shallow).toBe(2);
    expect(limiter.retryAfterSeconds()).toBe(11); // (1 + 9 + 1) × 1 s
    for (let i = 0; i < 200; i++) void limiter.acquire(never, { accepted: true }).catch(() => {});
    expect(limiter.retryAfterSeconds()).toBe(60); // at most a minute
  });

  it("queues accepted work past maxQueue, where new requests are refused", async () => {
    const limiter = admission(1, 1);
    const never = new Cancellation();
    const release = await limiter.acquire(never);
    void limiter.acquire(never);
    const accepted = limiter.acquire(never, { accepted: true });
    expect(limiter.queued).toBe(2);
    await expect(limiter.acquire(never)).rejects.toMatchObject({ code: "OVERLOADED" });
    release();
    expect(limiter.queued).toBe(1);
    (await Promise.race([accepted, Promise.resolve(undefined)]))?.();
    expect(limiter.active).toBe(1);
  });

  it("refuses with 503 DRAINING once draining, and NOT_READY while setup runs", async () => {
    const draining = admission(1, 1);
    draining.drain();
    expect(() => draining.refuseWhenFull()).toThrow(expect.objectContaining({ code: "DRAINING" }));
    const starting = new Admission({
      capacity: 1,
      maxQueue: 1,
      executor: {
        accepting: false,
        state: "STARTING",
        setup: pendingSetupReport(),
        workers: undefined,
      },
    });
    await expect(starting.acquire(new Cancellation())).rejects.toMatchObject({
      code: "NOT_READY",
      retryAfterSeconds: 1,
    });
  });

  it("grants a free slot at once with tryAcquire, and leaves a busy or draining one to acquire", async () => {
    const limiter = admission(1, 10);
    const release = limiter.tryAcquire();
    expect(release).toBeTypeOf("function");
    expect(limiter.active).toBe(1);
    expect(limiter.tryAcquire()).toBeUndefined();
    const waiting = limiter.acquire(new Cancellation());
    release?.();
    // The queued request got the freed slot; tryAcquire does not jump the queue.
    expect(limiter.tryAcquire()).toBeUndefined();
    (await waiting)();
    expect(limiter.active).toBe(0);
    limiter.drain();
    expect(limiter.tryAcquire()).toBeUndefined();
  });
});
