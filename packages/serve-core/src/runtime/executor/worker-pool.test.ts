import type { AddressInfo } from "node:net";
import { serve as listen, type ServerType } from "@hono/node-server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createApp, type ServekitApp } from "../../index.js";
import { fixturePredictor } from "../../test-support/fixture-predictor.js";
import { makePng } from "../../test-support/images.js";

async function listenOnLoopback(app: ServekitApp): Promise<{ url: string; server: ServerType }> {
  return new Promise((resolve) => {
    const server = listen(
      { fetch: app.fetch, port: 0, hostname: "127.0.0.1" },
      (info: AddressInfo) => resolve({ url: `http://127.0.0.1:${info.port}`, server }),
    );
  });
}

function predict(url: string, input: unknown): Promise<Response> {
  return fetch(`${url}/predict`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(input),
  });
}

/** Milliseconds `/health` takes to answer, sampled every 50 ms while `busy` is pending. */
async function healthLatencies(url: string, busy: Promise<unknown>): Promise<number[]> {
  let done = false;
  void busy.finally(() => {
    done = true;
  });
  const latencies: number[] = [];
  while (!done) {
    const start = performance.now();
    await (await fetch(`${url}/health`)).json();
    latencies.push(performance.now() - start);
    await new Promise((r) => setTimeout(r, 50));
  }
  return latencies;
}

describe("WorkerPool", () => {
  let app: ServekitApp;
  let url: string;
  let server: ServerType;

  beforeAll(async () => {
    app = createApp(fixturePredictor, {
      workers: 2,
      logLevel: "silent",
      predictTimeoutMs: 1_000,
      abortGraceMs: 200,
    });
    ({ url, server } = await listenOnLoopback(app));
    await app.lifecycle.ready;
  });
  afterAll(async () => {
    server.close();
    await app.lifecycle.close();
  });
  // Tests replace workers; a replacement can take seconds to start on a loaded machine, so each
  // test starts with both workers serving rather than with what the one before left behind.
  beforeEach(async () => {
    await expect
      .poll(async () => (await (await fetch(`${url}/health`)).json()).workers?.ready, {
        timeout: 25_000,
        interval: 100,
      })
      .toBe(2);
  });

  it("is READY once every worker has run setup, with each worker's setup logs", async () => {
    const health = await (await fetch(`${url}/health`)).json();
    expect(health.status).toBe("READY");
    expect(health.setup.logs).toBe(
      "[worker 0] fixture setup running\n[worker 1] fixture setup running",
    );
  });

  it("runs predictions in both workers", async () => {
    const outputs = await Promise.all(
      [1, 2, 3, 4].map(async () => (await predict(url, { busy_ms: 100 })).json()),
    );
    expect(new Set(outputs.map((o) => o.worker))).toEqual(new Set([0, 1]));
  });

  it("moves image bytes to the worker intact", async () => {
    const png = await makePng(64, 48);
    const out = await (await predict(url, { image: png.toString("base64") })).json();
    expect(out.image).toMatchObject({ width: 64, height: 48, media_type: "image/png" });
  });

  it("keeps /health answering within tens of ms while every worker burns CPU", async () => {
    const busy = Promise.all([predict(url, { busy_ms: 800 }), predict(url, { busy_ms: 800 })]);
    const latencies = await healthLatencies(url, busy);
    expect((await busy).map((r) => r.status)).toEqual([200, 200]);
    expect(latencies.length).toBeGreaterThan(5);
    // Inline, the same requests would hold the event loop for 800 ms each (see the inline test below).
    expect(Math.max(...latencies)).toBeLessThan(150);
  });

  it("fails the prediction of a crashed worker with 500, replaces the worker, and serves the next", async () => {
    const res = await predict(url, { mode: "crash" });
    expect(res.status).toBe(500);
    expect((await res.json()).error.code).toBe("WORKER_CRASHED");
    await expect
      .poll(async () => (await (await fetch(`${url}/health`)).json()).status, { timeout: 10_000 })
      .toBe("READY");
    const outputs = await Promise.all([predict(url, {}), predict(url, {})]);
    expect(outputs.map((r) => r.status)).toEqual([200, 200]);
  });

  it("answers 504 on timeout and aborts the prediction in its worker", async () => {
    const res = await predict(url, { sleep_ms: 10_000 });
    expect(res.status).toBe(504);
    // The worker honoured the abort, so it is free again at once.
    expect((await predict(url, {})).status).toBe(200);
  });

  it("replaces a worker whose prediction ignores the abort", async () => {
    const before = (await (await fetch(`${url}/health`)).json()).setup.completed_at;
    const res = await predict(url, { mode: "ignore-abort", sleep_ms: 20_000 });
    expect(res.status).toBe(504);
    // A replacement worker ran setup: the latest setup completion moves on.
    await expect
      .poll(async () => (await (await fetch(`${url}/health`)).json()).setup.completed_at, {
        timeout: 10_000,
      })
      .not.toBe(before);
    await expect
      .poll(async () => (await (await fetch(`${url}/health`)).json()).status, { timeout: 10_000 })
      .toBe("READY");
    // Both workers take work again: the stuck one was terminated and replaced.
    const outputs = await Promise.all(
      [1, 2].map(async () => (await predict(url, { busy_ms: 300 })).json()),
    );
    expect(new Set(outputs.map((o) => o.worker))).toEqual(new Set([0, 1]));
  });

  it("queues predictions while a crashed worker is being replaced, instead of refusing them", async () => {
    const [crashed, next] = await Promise.all([
      predict(url, { mode: "crash" }),
      (async () => {
        await new Promise((r) => setTimeout(r, 30));
        return predict(url, { busy_ms: 50 });
      })(),
    ]);
    expect(crashed.status).toBe(500);
    expect(next.status).toBe(200);
  });

  it("passes a predictor's ServeError across the thread with its status", async () => {
    const res = await predict(url, { mode: "client-error" });
    expect(res.status).toBe(422);
  });
});

describe("inline execution, for contrast", () => {
  it("blocks the HTTP thread for as long as a CPU-bound prediction runs", async () => {
    const app = createApp(fixturePredictor, { logLevel: "silent" });
    const { url, server } = await listenOnLoopback(app);
    await app.lifecycle.ready;
    let last = performance.now();
    let longestGap = 0;
    const ticker = setInterval(() => {
      longestGap = Math.max(longestGap, performance.now() - last);
      last = performance.now();
    }, 10);
    await predict(url, { busy_ms: 600 });
    clearInterval(ticker);
    server.close();
    // The event loop that answers /health stalled for the whole prediction.
    expect(longestGap).toBeGreaterThan(500);
  });
});

describe("WorkerPool setup failure", () => {
  it("reports SETUP_FAILED when a worker's setup throws", async () => {
    process.env.FIXTURE_SETUP_FAIL = "1";
    try {
      const app = createApp(fixturePredictor, { workers: 2, logLevel: "silent" });
      await app.lifecycle.ready;
      const health = app.lifecycle.health();
      expect(health.status).toBe("SETUP_FAILED");
      expect(health.setup.error).toBe("weights not found: /nowhere/model.onnx");
      await app.lifecycle.close();
    } finally {
      delete process.env.FIXTURE_SETUP_FAIL;
    }
  });
});
