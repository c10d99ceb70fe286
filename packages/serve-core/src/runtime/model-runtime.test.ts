import { afterEach, describe, expect, it } from "vitest";
import { definePredictor, z } from "../index.js";
import { ModelRuntime } from "./model-runtime.js";

const aborted: string[] = [];

/** Greets after `sleep_ms`, stopping early (and noting it) when ctx.signal aborts. */
const greeter = definePredictor({
  name: "greeter",
  input: z.object({ name: z.string().min(1), sleep_ms: z.number().int().min(0).default(0) }),
  output: z.object({ greeting: z.string() }),
  async predict({ name, sleep_ms }, ctx) {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, sleep_ms);
      ctx.signal.addEventListener("abort", () => {
        clearTimeout(timer);
        aborted.push(name);
        reject(new Error("aborted"));
      });
    });
    return { greeting: `hello ${name}` };
  },
});

describe("ModelRuntime without HTTP", () => {
  const runtimes: ModelRuntime[] = [];
  const start = (options: ConstructorParameters<typeof ModelRuntime>[1] = {}) => {
    const runtime = new ModelRuntime(greeter, { logLevel: "silent", ...options });
    runtimes.push(runtime);
    return runtime;
  };
  afterEach(async () => {
    await Promise.all(runtimes.splice(0).map((r) => r.close()));
    aborted.length = 0;
  });

  it("validates a raw input and predicts it", async () => {
    const runtime = start();
    await runtime.ready;
    expect(runtime.health().status).toBe("READY");
    const input = await runtime.parseInput({ name: "ada" });
    const outcome = await runtime.predict(input, { requestId: "job-1" });
    expect(outcome.output).toEqual({ greeting: "hello ada" });
    expect(outcome.completedAt.getTime()).toBeGreaterThanOrEqual(outcome.startedAt.getTime());
  });

  it("refuses an invalid input with 422 INVALID_INPUT naming the field", async () => {
    const runtime = start();
    await runtime.ready;
    const refused = await runtime.parseInput({ name: "" }, ["input"]).catch((e: unknown) => e);
    expect(refused).toMatchObject({
      code: "INVALID_INPUT",
      status: 422,
      details: [expect.objectContaining({ path: ["input", "name"] })],
    });
  });

  it("drops a queued prediction and aborts a running one when their signal aborts", async () => {
    const runtime = start({ maxConcurrency: 1 });
    await runtime.ready;
    const caller = new AbortController();
    const running = runtime.predict({ name: "first", sleep_ms: 5_000 }, { signal: caller.signal });
    const queued = runtime.predict({ name: "second", sleep_ms: 0 }, { signal: caller.signal });
    await expect.poll(() => runtime.queued).toBe(1);
    caller.abort();
    await expect(running).rejects.toMatchObject({ code: "CLIENT_CLOSED" });
    await expect(queued).rejects.toMatchObject({ code: "CLIENT_CLOSED" });
    expect(aborted).toEqual(["first"]); // the queued one never ran
    expect(runtime.queued).toBe(0);
    await expect.poll(() => runtime.inFlight).toBe(0);
  });

  it("reports as queueMs only the wait for a slot, not the time since the request arrived", async () => {
    const runtime = start({ maxConcurrency: 1 });
    await runtime.ready;
    // Arrived 600 ms ago (a slow upload, say) but found a free slot at once.
    const free = await runtime.predict({ name: "ada" }, { arrivedAt: performance.now() - 600 });
    expect(free.queueMs).toBeLessThan(100);
    const busy = runtime.predict({ name: "first", sleep_ms: 300 });
    const waited = await runtime.predict({ name: "second" }, { arrivedAt: performance.now() });
    await busy;
    expect(waited.queueMs).toBeGreaterThanOrEqual(250);
  });

  it("drains (refusing new work with DRAINING) once running predictions finish, then closes", async () => {
    const runtime = start();
    await runtime.ready;
    const running = runtime.predict({ name: "last", sleep_ms: 200 });
    const drained = runtime.drain(5_000);
    await expect(runtime.predict({ name: "late" })).rejects.toMatchObject({
      code: "DRAINING",
      status: 503,
    });
    expect(runtime.health()).toMatchObject({ draining: true });
    expect(runtime.isReady).toBe(false);
    expect(await running).toMatchObject({ output: { greeting: "hello last" } });
    expect(await drained).toBe(true);
    await runtime.close();
  });

  it("runs accepted async predictions through the one queue: they wait for a slot, then all finish", async () => {
    const runtime = start({ maxConcurrency: 1, maxQueue: 3 });
    await runtime.ready;
    const ids = ["a", "b", "c", "d"];
    for (const id of ids) {
      await runtime.predictions.create({
        id,
        input: { name: id, sleep_ms: 50 },
        collectionUrl: "http://localhost/predictions",
        requestId: id,
      });
    }
    // Beyond the one free slot, accepted predictions wait in the queue (no retry loop).
    await expect.poll(() => runtime.queued).toBe(3);
    // A new synchronous prediction finds the queue full.
    await expect(runtime.predict({ name: "sync" })).rejects.toMatchObject({ code: "OVERLOADED" });
    // One cancelled while queued leaves the queue without running.
    expect(runtime.predictions.cancel("d")).toMatchObject({ status: "canceled" });
    expect(runtime.queued).toBeLessThanOrEqual(2);
    const settled = await Promise.all(ids.map((id) => runtime.predictions.settled(id)));
    expect(settled.map((p) => p?.status)).toEqual([
      "succeeded",
      "succeeded",
      "succeeded",
      "canceled",
    ]);
    expect(aborted).toEqual([]);
  });
});
