import { describe, expect, it } from "vitest";
import { ServeError } from "../errors.js";
import { ConcurrencyLimiter } from "./concurrency-limiter.js";

describe("ConcurrencyLimiter", () => {
  it("admits up to maxConcurrency at once and the rest in FIFO order", async () => {
    const limiter = new ConcurrencyLimiter(2, 10);
    const never = new AbortController().signal;
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
    const limiter = new ConcurrencyLimiter(1, 1);
    const never = new AbortController().signal;
    await limiter.acquire(never);
    void limiter.acquire(never);
    const refused = await limiter.acquire(never).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ServeError);
    expect((refused as ServeError).status).toBe(503);
    expect((refused as ServeError).retryAfterSeconds).toBe(1);
  });

  it("drops a waiter whose signal aborts, so it never runs", async () => {
    const limiter = new ConcurrencyLimiter(1, 5);
    const release = await limiter.acquire(new AbortController().signal);
    const gone = new AbortController();
    const waiting = limiter.acquire(gone.signal);
    gone.abort(new Error("client went away"));
    await expect(waiting).rejects.toThrow("client went away");
    expect(limiter.queued).toBe(0);
    release();
    expect(limiter.active).toBe(0);
  });

  it("frees a slot only once even if released twice", async () => {
    const limiter = new ConcurrencyLimiter(1, 5);
    const release = await limiter.acquire(new AbortController().signal);
    release();
    release();
    expect(limiter.active).toBe(0);
  });

  it("gives up on a waiter after timeoutMs with a 503 and Retry-After", async () => {
    const limiter = new ConcurrencyLimiter(1, 5);
    await limiter.acquire(new AbortController().signal);
    const waited = await limiter.acquire(new AbortController().signal, 20).catch((e: unknown) => e);
    expect(waited).toMatchObject({ code: "OVERLOADED", retryAfterSeconds: 1 });
    expect(limiter.queued).toBe(0);
  });

  it("refuses at once when no time is left to wait, yet still grants a free slot", async () => {
    const limiter = new ConcurrencyLimiter(1, 5);
    const never = new AbortController().signal;
    const release = await limiter.acquire(never, 0);
    const refusing = limiter.acquire(never, -5).catch((e: unknown) => e);
    expect(limiter.queued).toBe(0);
    expect(await refusing).toMatchObject({ code: "OVERLOADED", retryAfterSeconds: 1 });
    release();
  });
});
