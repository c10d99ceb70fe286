import { afterEach, describe, expect, it } from "vitest";
import { createApp, definePredictor, ModelRuntime, z } from "../../index.js";

/** Each prediction takes `sleep_ms` (300 by default). */
const sleeper = definePredictor({
  name: "sleeper",
  input: z.object({ sleep_ms: z.number().int().min(0).default(300) }),
  output: z.object({ slept: z.number() }),
  async predict({ sleep_ms }) {
    await new Promise((r) => setTimeout(r, sleep_ms));
    return { slept: sleep_ms };
  },
});

type App = ReturnType<typeof createApp>;

function post(app: App, path: string, body: unknown, headers: Record<string, string> = {}) {
  return app.request(path, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

describe("POST /predict under overload", () => {
  const runtimes: ModelRuntime[] = [];
  const serving = async (maxQueue: number) => {
    const runtime = new ModelRuntime(sleeper, { logLevel: "silent", maxConcurrency: 1, maxQueue });
    runtimes.push(runtime);
    const app = createApp(runtime);
    await runtime.ready;
    return { runtime, app };
  };
  afterEach(async () => {
    await Promise.all(runtimes.splice(0).map((r) => r.close()));
  });

  /** Fills the slot and `maxQueue` places, then returns the refused request's Retry-After. */
  async function retryAfterWhenFull(maxQueue: number): Promise<number> {
    const { runtime, app } = await serving(maxQueue);
    // One prediction first, so the server knows how long one takes (~300 ms).
    expect((await post(app, "/predict", {})).status).toBe(200);
    const accepted = Array.from({ length: 1 + maxQueue }, () => post(app, "/predict", {}));
    await expect.poll(() => runtime.queued).toBe(maxQueue);
    const refused = await post(app, "/predict", {});
    expect(refused.status).toBe(503);
    expect((await refused.json()).error.code).toBe("OVERLOADED");
    const retryAfter = Number(refused.headers.get("retry-after"));
    // Every accepted request is answered, none dropped.
    for (const response of await Promise.all(accepted)) expect(response.status).toBe(200);
    return retryAfter;
  }

  it("sends a Retry-After that grows with the queue, within 1–60 s", async () => {
    const shallow = await retryAfterWhenFull(1); // (1 running + 1 queued + 1) × 0.3 s → 1
    const deep = await retryAfterWhenFull(8); // (1 + 8 + 1) × 0.3 s → 3
    expect(shallow).toBeGreaterThanOrEqual(1);
    expect(deep).toBeGreaterThan(shallow);
    expect(deep).toBeLessThanOrEqual(60);
  });

  it("has async predictions beyond the free slot wait in the queue, and all finish", async () => {
    const { runtime, app } = await serving(8);
    const ids = ["p1", "p2", "p3", "p4", "p5"];
    for (const id of ids) {
      const res = await post(
        app,
        "/predictions",
        { id, input: { sleep_ms: 100 } },
        { prefer: "respond-async" },
      );
      expect(res.status).toBe(202);
    }
    await expect.poll(() => runtime.queued).toBe(4);
    const done = await Promise.all(ids.map((id) => runtime.predictions.settled(id)));
    expect(done.map((p) => p?.status)).toEqual(ids.map(() => "succeeded"));
    // Each started as the one before it finished: no retry delay between them.
    for (let i = 1; i < done.length; i++) {
      const gap = Date.parse(done[i]!.started_at!) - Date.parse(done[i - 1]!.completed_at!);
      expect(gap).toBeLessThan(100);
    }
  });
});
