import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve as listen, type ServerType } from "@hono/node-server";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createApp, type ServekitApp, type ServeOptions } from "../../index.js";
import { healingFixturePredictor } from "./healing-fixture-predictor.js";

// Setup fails while this file exists; the workers read the variable when they start.
const dir = mkdtempSync(join(tmpdir(), "servekit-healing-"));
const flag = join(dir, "fail-setup");
process.env.HEALING_FIXTURE_FLAG = flag;

interface Served {
  app: ServekitApp;
  url: string;
  server: ServerType;
}

async function serveOnLoopback(options: ServeOptions): Promise<Served> {
  const app = createApp(healingFixturePredictor, { logLevel: "silent", ...options });
  const { url, server } = await new Promise<{ url: string; server: ServerType }>((resolve) => {
    const server = listen(
      { fetch: app.fetch, port: 0, hostname: "127.0.0.1" },
      (info: AddressInfo) => resolve({ url: `http://127.0.0.1:${info.port}`, server }),
    );
  });
  await app.lifecycle.ready;
  return { app, url, server };
}

function predict(url: string, input: unknown): Promise<Response> {
  return fetch(`${url}/predict`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(input),
  });
}

async function health(url: string) {
  return (await fetch(`${url}/health`)).json();
}

describe("WorkerPool healing", () => {
  let served: Served | undefined;
  afterEach(async () => {
    rmSync(flag, { force: true });
    served?.server.close();
    await served?.app.lifecycle.close();
    served = undefined;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("serves on the healthy worker while a crashed one's replacement fails setup, then is whole again", async () => {
    served = await serveOnLoopback({
      workers: 2,
      workerRestart: { attempts: 10, initialDelayMs: 200, maxDelayMs: 400 },
    });
    const { url } = served;
    expect(await health(url)).toMatchObject({ status: "READY", workers: { ready: 2, total: 2 } });

    writeFileSync(flag, "");
    const crashed = await predict(url, { mode: "crash" });
    expect(crashed.status).toBe(500);
    await expect
      .poll(async () => (await health(url)).workers.failed_restarts, { timeout: 10_000 })
      .toBeGreaterThanOrEqual(2);

    // Degraded, not down: one worker serves, readiness and liveness stay 200.
    const degraded = await health(url);
    expect(degraded).toMatchObject({ status: "READY", workers: { ready: 1, total: 2 } });
    expect(degraded.workers.last_restart_error).toMatch(/setup refused/);
    expect(degraded.setup.status).toBe("succeeded");
    expect((await fetch(`${url}/health/ready`)).status).toBe(200);
    expect((await fetch(`${url}/health/live`)).status).toBe(200);
    const answers = await Promise.all([1, 2, 3].map(() => predict(url, { busy_ms: 20 })));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);

    // Setup can succeed again: the next retry fills the pool.
    rmSync(flag);
    await expect
      .poll(async () => (await health(url)).workers, { timeout: 10_000 })
      .toEqual({ ready: 2, total: 2, failed_restarts: 0 });
    const outputs = await Promise.all(
      [1, 2].map(async () => (await predict(url, { busy_ms: 300 })).json()),
    );
    expect(new Set(outputs.map((o) => o.worker))).toEqual(new Set([0, 1]));
  });

  it("fails liveness (503 DEFUNCT) once a crashed worker cannot be replaced", async () => {
    served = await serveOnLoopback({
      workers: 1,
      workerRestart: { attempts: 3, initialDelayMs: 50, maxDelayMs: 100 },
    });
    const { url } = served;
    expect((await fetch(`${url}/health/live`)).status).toBe(200);

    writeFileSync(flag, "");
    expect((await predict(url, { mode: "crash" })).status).toBe(500);
    await expect
      .poll(async () => (await fetch(`${url}/health/live`)).status, { timeout: 10_000 })
      .toBe(503);
    expect(await health(url)).toMatchObject({
      status: "DEFUNCT",
      workers: { ready: 0, total: 1, failed_restarts: 3 },
    });
    expect((await fetch(`${url}/health/ready`)).status).toBe(503);
    const refused = await predict(url, {});
    expect(refused.status).toBe(503);
    expect((await refused.json()).error.message).toMatch(/could not be replaced/);
  });

  it("keeps a failed first setup as SETUP_FAILED, with no retries", async () => {
    writeFileSync(flag, "");
    served = await serveOnLoopback({
      workers: 1,
      workerRestart: { attempts: 3, initialDelayMs: 50, maxDelayMs: 100 },
    });
    await new Promise((r) => setTimeout(r, 300));
    const body = await health(served.url);
    expect(body).toMatchObject({
      status: "SETUP_FAILED",
      workers: { ready: 0, failed_restarts: 0 },
    });
    expect((await fetch(`${served.url}/health/ready`)).status).toBe(503);
  });
});

describe("WorkerPool heap limit (workerMaxOldSpaceMb)", () => {
  let served: Served;
  beforeAll(async () => {
    served = await serveOnLoopback({ workers: 1, workerMaxOldSpaceMb: 64 });
  });
  afterAll(async () => {
    served.server.close();
    await served.app.lifecycle.close();
  });

  it("ends only the worker of a prediction that outgrows it: that request 500, the next 200", async () => {
    const runaway = await predict(served.url, { mode: "grow", grow_mb: 512 });
    expect(runaway.status).toBe(500);
    expect((await runaway.json()).error.code).toBe("WORKER_CRASHED");
    const next = await predict(served.url, { mode: "grow", grow_mb: 8 });
    expect(next.status).toBe(200);
    expect(await next.json()).toMatchObject({ held_mb: 8 });
  });
});
