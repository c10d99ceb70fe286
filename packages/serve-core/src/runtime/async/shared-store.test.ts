import { type ChildProcess, spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import {
  findRedisServer,
  freePort,
  type RedisServer,
  redisMissingReason,
  type SpawnedServer,
  spawnServer,
  startRedis,
  waitForReady,
} from "@servekit/test-kit";
import { createClient } from "redis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../config-error.js";
import { createApp } from "../../index.js";
import { resolveServeOptions } from "../../options.js";
import { fixturePredictor } from "../../test-support/fixture-predictor.js";
import type { Prediction } from "./prediction.js";

const FIXTURE = fileURLToPath(new URL("./shared-store-fixture.ts", import.meta.url));
const redisMissing = redisMissingReason();
const JSON_ASYNC = { "content-type": "application/json", prefer: "respond-async" };

/** A webhook receiver on loopback that records each delivery's prediction id and status. */
async function webhookReceiver() {
  const events: { id: string; status: string }[] = [];
  const http: Server = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    const prediction = JSON.parse(body) as Prediction;
    events.push({ id: prediction.id, status: prediction.status });
    res.writeHead(200).end();
  });
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
  const { port } = http.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, events, close: () => http.close() };
}

async function createAsync(server: string, body: unknown): Promise<Prediction> {
  const res = await fetch(`${server}/predictions`, {
    method: "POST",
    headers: JSON_ASYNC,
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(202);
  return (await res.json()) as Prediction;
}

async function read(server: string, id: string): Promise<{ status: number; body: Prediction }> {
  const res = await fetch(`${server}/predictions/${id}`);
  return { status: res.status, body: (await res.json()) as Prediction };
}

/** Polls GET on `server` until the prediction has finished. */
async function finished(server: string, id: string, tries = 600): Promise<Prediction> {
  for (let i = 0; i < tries; i++) {
    const { status, body } = await read(server, id);
    if (status === 200 && !["starting", "processing"].includes(body.status)) return body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`prediction ${id} never finished on ${server}`);
}

/** Resolves once `check` holds, polling (running `refresh` before each look). */
async function until(
  check: () => boolean,
  what: string,
  refresh: () => Promise<void> = async () => {},
): Promise<void> {
  for (let i = 0; i < 400; i++) {
    await refresh();
    if (check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`never happened: ${what}`);
}

describe("store: a Redis URL is checked when options are resolved", () => {
  it("is memory by default, and takes SERVEKIT_STORE", () => {
    expect(resolveServeOptions({}).store).toBe("memory");
    process.env.SERVEKIT_STORE = "redis://127.0.0.1:6379/2";
    try {
      expect(resolveServeOptions({}).store).toBe("redis://127.0.0.1:6379/2");
    } finally {
      delete process.env.SERVEKIT_STORE;
    }
  });

  it("refuses what is not a Redis URL, and journalDir together with Redis, saying what to do", () => {
    expect(() => resolveServeOptions({ store: "postgres://db" })).toThrow(
      /store.*must be "memory" or a Redis URL/s,
    );
    let error: unknown;
    try {
      resolveServeOptions({ store: "redis://127.0.0.1:6379", journalDir: "/tmp/j" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(String((error as Error).message)).toMatch(/journalDir.*unset `journalDir`/s);
  });
});

describe("store: a Redis that cannot be reached", () => {
  it("answers async requests 503 NOT_READY naming the store, and still serves sync predictions", async () => {
    const port = await freePort(); // nothing listens there
    const app = createApp(fixturePredictor, {
      logLevel: "silent",
      metrics: false,
      store: `redis://:secret@127.0.0.1:${port}`,
    });
    try {
      await app.lifecycle.ready;
      const res = await app.request("/predictions", {
        method: "POST",
        headers: JSON_ASYNC,
        body: JSON.stringify({ input: { text: "x" } }),
      });
      expect(res.status).toBe(503);
      const { error } = (await res.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe("NOT_READY");
      expect(error.message).toContain(
        `cannot reach the async prediction store at redis://:***@127.0.0.1:${port}`,
      );
      expect(error.message).not.toContain("secret");
      const sync = await app.request("/predict", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ text: "still" }),
      });
      expect(await sync.json()).toMatchObject({ text: "still" });
    } finally {
      await app.lifecycle.close();
    }
  });
});

describe.skipIf(redisMissing)("store: a Redis that starts after the replica", () => {
  it("is used once it answers, without restarting the replica", async () => {
    const port = await freePort();
    const app = createApp(fixturePredictor, {
      logLevel: "silent",
      metrics: false,
      store: `redis://127.0.0.1:${port}`,
    });
    const post = () =>
      app.request("/predictions", {
        method: "POST",
        headers: JSON_ASYNC,
        body: JSON.stringify({ input: { text: "late" } }),
      });
    let late: ChildProcess | undefined;
    try {
      await app.lifecycle.ready;
      expect((await post()).status).toBe(503);
      late = spawn(
        findRedisServer()!,
        ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        { stdio: "ignore" },
      );
      let status = 0;
      await until(
        () => status === 202,
        "an async prediction accepted once Redis answers",
        async () => {
          status = (await post()).status;
        },
      );
    } finally {
      await app.lifecycle.close();
      late?.kill("SIGKILL");
    }
  });
});

describe.skipIf(redisMissing)("replicas that share async state through Redis", () => {
  let redis: RedisServer;
  const servers: SpawnedServer[] = [];

  /** A replica in its own process, sharing the test's Redis. */
  async function replica(env: Record<string, string> = {}): Promise<SpawnedServer> {
    const server = await spawnServer(["--import", "tsx", FIXTURE], {
      SERVEKIT_STORE: redis.url,
      STORE_LEASE_MS: "1000",
      STORE_RECLAIM_INTERVAL_MS: "200",
      ...env,
    });
    servers.push(server);
    await waitForReady(server.url, { child: server.child });
    return server;
  }

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterEach(() => {
    for (const server of servers.splice(0)) server.child.kill("SIGKILL");
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it("answers GET and cancel on one replica for a prediction another accepted", async () => {
    const [a, b] = await Promise.all([replica(), replica()]);
    const hooks = await webhookReceiver();
    try {
      const accepted = await createAsync(a.url, {
        input: { text: "shared", sleep_ms: 30_000 },
        webhook: hooks.url,
      });
      const seen = await read(b.url, accepted.id);
      expect(seen.status).toBe(200);
      expect(seen.body).toMatchObject({ id: accepted.id, input: { text: "shared" } });
      expect(["starting", "processing"]).toContain(seen.body.status);

      const cancel = await fetch(`${b.url}/predictions/${accepted.id}/cancel`, { method: "POST" });
      expect(cancel.status).toBe(200);
      expect(await cancel.json()).toMatchObject({ id: accepted.id, status: "canceled" });
      // A hears of it and stops running it (its metrics count it cancelled, nothing in flight),
      // and the record stays canceled on both replicas.
      let metrics = "";
      await until(
        () => /servekit_predictions_total\{status="cancelled"[^}]*\} 1/.test(metrics),
        "A cancelled it",
        async () => {
          metrics = await (await fetch(`${a.url}/metrics`)).text();
        },
      );
      expect(metrics).toMatch(/servekit_predictions_in_flight\{[^}]*\} 0/);
      expect(await finished(a.url, accepted.id)).toMatchObject({ status: "canceled" });
      expect((await read(b.url, accepted.id)).body.status).toBe("canceled");
      // One start (from A) and one completion (from B, which canceled it): two replicas
      // send them, so they may arrive in either order, but each exactly once.
      await until(() => hooks.events.length >= 2, "two webhook deliveries");
      expect(hooks.events).toHaveLength(2);
      expect(hooks.events).toEqual(
        expect.arrayContaining([
          { id: accepted.id, status: "starting" },
          { id: accepted.id, status: "canceled" },
        ]),
      );
      // An unknown id is 404 on any replica.
      expect((await read(b.url, "never-created")).status).toBe(404);
    } finally {
      hooks.close();
    }
  });

  it("PUT of one id on two replicas creates one prediction; another input is 409", async () => {
    const [a, b] = await Promise.all([replica(), replica()]);
    const put = (server: string, text: string) =>
      fetch(`${server}/predictions/same-id`, {
        method: "PUT",
        headers: JSON_ASYNC,
        body: JSON.stringify({ input: { text, sleep_ms: 200 } }),
      });
    const first = await put(a.url, "one");
    expect(first.status).toBe(202);
    const again = await put(b.url, "one");
    expect(again.status).toBe(202);
    expect(((await again.json()) as Prediction).created_at).toBe(
      ((await first.json()) as Prediction).created_at,
    );
    expect((await put(b.url, "two")).status).toBe(409);
    // Without `Prefer: respond-async`, B waits for the prediction A runs and answers it finished.
    const waited = await fetch(`${b.url}/predictions/same-id`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ input: { text: "one", sleep_ms: 200 } }),
    });
    expect(waited.status).toBe(200);
    expect(await waited.json()).toMatchObject({ status: "succeeded", output: { text: "one" } });
    expect(await finished(b.url, "same-id")).toMatchObject({
      status: "succeeded",
      output: { text: "one" },
    });
  });

  it("finishes on another replica what a replica killed with SIGKILL had accepted, each webhook event once", async () => {
    const hooks = await webhookReceiver();
    try {
      const a = await replica();
      // One running on A, three waiting in A's queue behind it.
      const accepted: Prediction[] = [];
      for (let i = 0; i < 4; i++) {
        accepted.push(
          await createAsync(a.url, {
            input: { text: `k${i}`, sleep_ms: 1_500 },
            webhook: hooks.url,
            webhook_events_filter: ["start", "completed"],
          }),
        );
      }
      await until(() => hooks.events.length === 4, "the four start events");
      a.child.kill("SIGKILL");
      await a.exited;

      const b = await replica();
      for (const [i, prediction] of accepted.entries()) {
        const done = await finished(b.url, prediction.id);
        expect(done).toMatchObject({ status: "succeeded", output: { text: `k${i}` } });
      }
      expect(b.logs.some((l) => l.msg === "took over a prediction whose lease expired")).toBe(true);
      await until(() => hooks.events.length === 8, "four completions");
      await new Promise((r) => setTimeout(r, 500)); // room for a duplicate to show up
      const byEvent = new Map<string, number>();
      for (const e of hooks.events) {
        const key = `${e.id}:${e.status === "starting" ? "start" : "completed"}`;
        byEvent.set(key, (byEvent.get(key) ?? 0) + 1);
      }
      expect([...byEvent.values()]).toEqual(Array(8).fill(1));
    } finally {
      hooks.close();
    }
  });

  it("hands unfinished work back on SIGTERM, so another replica finishes it without waiting for the lease", async () => {
    // Leases far longer than this test waits: only a handed-back one can be taken over in time.
    const env = { STORE_LEASE_MS: "120000", SHUTDOWN_GRACE_MS: "200" };
    const [a, b] = await Promise.all([replica(env), replica(env)]);
    const accepted = await createAsync(a.url, { input: { text: "handed", sleep_ms: 1_500 } });
    await until(() => a.logs.some((l) => l.msg === "predicting ok"), "A started it");
    a.child.kill("SIGTERM");
    expect(await a.exited).toBe(0);
    expect(a.logs.some((l) => l.msg === "gave back leases of unfinished predictions")).toBe(true);
    expect(await finished(b.url, accepted.id)).toMatchObject({
      status: "succeeded",
      output: { text: "handed" },
    });
  });

  it("fails, with an error saying why, a prediction whose model-version no live replica serves", async () => {
    const b = await replica();
    // As a replica of another model-version would have left it before it died.
    const orphan: Prediction = {
      ...(await createAsync(b.url, { input: { text: "mine" } })),
      id: "orphan-1",
      status: "processing",
    };
    const redisClient = createClient({ url: redis.url });
    await redisClient.connect();
    try {
      await redisClient.set("servekit:predictions:record:orphan-1", JSON.stringify(orphan));
      await redisClient.set("servekit:predictions:model:orphan-1", "retired@0.9");
      await redisClient.zAdd("servekit:predictions:leases", { score: 1, value: "orphan-1" });
    } finally {
      await redisClient.close();
    }
    const done = await finished(b.url, "orphan-1");
    expect(done.status).toBe("failed");
    expect(done.error).toContain("no replica serving retired@0.9 took it over");
  });

  it("sends each webhook event once with two replicas taking predictions", async () => {
    const [a, b] = await Promise.all([replica(), replica()]);
    const hooks = await webhookReceiver();
    try {
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) {
        const server = i % 2 === 0 ? a : b;
        ids.push(
          (await createAsync(server.url, { input: { text: `w${i}` }, webhook: hooks.url })).id,
        );
      }
      // Each read on the replica that did not accept it.
      for (const [i, id] of ids.entries()) await finished(i % 2 === 0 ? b.url : a.url, id);
      await until(() => hooks.events.length >= 12, "a start and a completion each");
      await new Promise((r) => setTimeout(r, 500)); // room for a duplicate to show up
      expect(hooks.events).toHaveLength(12);
      for (const id of ids) {
        expect(hooks.events.filter((e) => e.id === id).map((e) => e.status)).toEqual([
          "starting",
          "succeeded",
        ]);
      }
    } finally {
      hooks.close();
    }
  });
});
