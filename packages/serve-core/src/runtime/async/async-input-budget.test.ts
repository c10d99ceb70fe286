import { afterEach, describe, expect, it } from "vitest";
import { createApp, definePredictor, type ServekitApp, z } from "../../index.js";
import { waitFinished } from "../../test-support/prediction-record.js";
import type { Prediction } from "./prediction.js";

const ASYNC = { "content-type": "application/json", prefer: "respond-async" };

/** Takes a large string and holds it for `sleep_ms`, honouring cancellation. */
const holder = definePredictor({
  name: "holder",
  input: z.object({ blob: z.string(), sleep_ms: z.number().default(0) }),
  output: z.object({ length: z.number() }),
  setup: () => ({}),
  async predict(input, ctx) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, input.sleep_ms);
      ctx.signal.addEventListener("abort", () => {
        clearTimeout(timer);
        resolve();
      });
    });
    return { length: input.blob.length };
  },
});

const KB100 = "x".repeat(100_000);

describe("async prediction input budget", () => {
  let app: ServekitApp | undefined;
  afterEach(async () => {
    await app?.lifecycle.close();
    app = undefined;
  });

  it("forgets the inputs of the oldest finished predictions beyond asyncRetainedInputBytes, keeping their results", async () => {
    app = createApp(holder, {
      logLevel: "silent",
      metrics: false,
      workers: 0,
      asyncRetainedInputBytes: 250_000,
    });
    await app.lifecycle.ready;
    for (let i = 0; i < 5; i++) {
      const res = await app.request(`/predictions/p${i}`, {
        method: "PUT",
        headers: ASYNC,
        body: JSON.stringify({ input: { blob: KB100 } }),
      });
      expect(res.status).toBe(202);
      await waitFinished(app, `p${i}`);
    }
    const kept: (Prediction["input"] | undefined)[] = [];
    for (let i = 0; i < 5; i++) {
      const prediction = (await (await app.request(`/predictions/p${i}`)).json()) as Prediction;
      expect(prediction).toMatchObject({ status: "succeeded", output: { length: 100_000 } });
      kept.push(prediction.input);
    }
    // 5 × 100 KB against a 250 KB budget: only the two newest keep their input.
    expect(kept.map((input) => input?.blob === KB100)).toEqual([false, false, false, true, true]);
    expect(kept.slice(0, 3)).toEqual([null, null, null]);
  });

  it("refuses a new async prediction with 503 and Retry-After when unfinished inputs would pass the budget", async () => {
    app = createApp(holder, {
      logLevel: "silent",
      metrics: false,
      workers: 0,
      asyncRetainedInputBytes: 250_000,
    });
    await app.lifecycle.ready;
    const post = (id: string) =>
      (app as ServekitApp).request(`/predictions/${id}`, {
        method: "PUT",
        headers: ASYNC,
        body: JSON.stringify({ input: { blob: KB100, sleep_ms: 30_000 } }),
      });
    expect((await post("a")).status).toBe(202);
    expect((await post("b")).status).toBe(202);
    const refused = await post("c");
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).not.toBeNull();
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain(
      "asyncRetainedInputBytes",
    );
    // Once one finishes (here: is canceled), its input no longer counts against new ones.
    await app.request("/predictions/a/cancel", { method: "POST" });
    expect((await post("c")).status).toBe(202);
    await app.request("/predictions/b/cancel", { method: "POST" });
    await app.request("/predictions/c/cancel", { method: "POST" });
  });
});
