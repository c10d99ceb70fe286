import { randomUUID } from "node:crypto";
import { type RedisServer, redisMissingReason, startRedis } from "@servekit/test-kit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../logger.js";
import { ModelRuntime } from "../runtime/model-runtime.js";
import { ModelRegistry } from "../runtime/models/model-registry.js";
import { serve } from "../serve.js";
import { fixturePredictor } from "../test-support/fixture-predictor.js";
import { echoVersion } from "../test-support/versioned-echo.js";
import { StreamConsumer } from "./stream-consumer.js";
import {
  addMessages,
  entries,
  pendingByConsumer,
  pendingCount,
  type TestRedis,
  testClient,
  waitUntil,
} from "./stream-test-helpers.js";

const redisMissing = redisMissingReason();
const log = createLogger({ level: "silent" });

describe.skipIf(redisMissing)("StreamConsumer", () => {
  let redis: RedisServer;
  let client: TestRedis;
  const cleanup: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    client = await testClient(redis.url);
  });
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });
  afterAll(async () => {
    await client?.close();
    await redis?.stop();
  });

  /** A consumer on a fresh stream, with the fixture predictor inline running `maxConcurrency` at once. */
  async function startConsumer(
    options: { maxConcurrency?: number; maxAttempts?: number; claimIdleMs?: number } = {},
  ) {
    const stream = `in-${randomUUID()}`;
    const runtime = new ModelRuntime(fixturePredictor, {
      workers: 0,
      maxConcurrency: options.maxConcurrency ?? 2,
      logger: log,
    });
    const consumer = new StreamConsumer(
      runtime,
      {
        redis: redis.url,
        stream,
        group: "g",
        consumer: "c1",
        blockMs: 100,
        maxAttempts: options.maxAttempts ?? 3,
        claimIdleMs: options.claimIdleMs ?? 30_000,
      },
      { log },
    );
    await consumer.start();
    cleanup.push(async () => {
      await consumer.stop(5_000);
      await runtime.close();
    });
    return { stream, runtime, consumer };
  }

  it("publishes one output per message with the input's id, model and version, and acknowledges each", async () => {
    const { stream } = await startConsumer();
    await addMessages(client, stream, [
      { id: "a", text: "x", count: "3" },
      { input: JSON.stringify({ text: "yz", count: 2 }) },
      { text: "hello" },
    ]);
    const outputs = await waitUntil("3 outputs", async () => {
      const out = await entries(client, `${stream}:out`);
      return out.length === 3 && out;
    });
    const byText = Object.fromEntries(outputs.map((o) => [JSON.parse(o.output!).text, o]));
    expect(byText.xxx).toMatchObject({ id: "a", model: "fixture", version: "1.2.3" });
    expect(byText.yzyz?.id).toMatch(/^\d+-\d+$/); // no `id` field: the entry id
    expect(Number(byText.hello?.predict_time)).toBeGreaterThanOrEqual(0);
    expect(await pendingCount(client, stream, "g")).toBe(0);
  });

  it("never holds more unacknowledged messages than the runtime can run at once", async () => {
    const { stream, consumer } = await startConsumer({ maxConcurrency: 3 });
    const total = 24;
    await addMessages(
      client,
      stream,
      Array.from({ length: total }, (_, i) => ({ id: `m${i}`, sleep_ms: "40" })),
    );
    let most = 0;
    await waitUntil(`${total} outputs`, async () => {
      most = Math.max(most, (await pendingByConsumer(client, stream, "g")).get("c1") ?? 0);
      return (await client.xLen(`${stream}:out`)) === total;
    });
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(3);
    expect(consumer.stats()).toMatchObject({ consumed: total, succeeded: total, inFlight: 0 });
  });

  it("moves a message whose prediction always fails to the dead-letter stream after maxAttempts deliveries", async () => {
    const { stream, consumer } = await startConsumer({ maxAttempts: 3, claimIdleMs: 150 });
    await addMessages(client, stream, [
      { id: "ok-1", text: "a" },
      { id: "poison", mode: "throw" },
      { id: "ok-2", text: "b" },
    ]);
    const [dead] = await waitUntil("a dead letter", async () => {
      const letters = await entries(client, `${stream}:dead`);
      return letters.length > 0 && letters;
    });
    expect(dead).toMatchObject({ id: "poison", attempts: "3", stream, consumer: "c1" });
    expect(JSON.parse(dead!.fields!)).toEqual({ id: "poison", mode: "throw" });
    expect(JSON.parse(dead!.error!)).toMatchObject({
      code: "PREDICTION_FAILED",
      cause: "model exploded at /secret/path/model.py:42",
    });
    const outputs = await entries(client, `${stream}:out`);
    expect(outputs.map((o) => o.id).sort()).toEqual(["ok-1", "ok-2", "poison"]);
    expect(JSON.parse(outputs.find((o) => o.id === "poison")!.error!).code).toBe(
      "PREDICTION_FAILED",
    );
    expect(await pendingCount(client, stream, "g")).toBe(0);
    expect(consumer.stats()).toMatchObject({ succeeded: 2, failed: 2, deadLettered: 1 });
    const metrics = await consumer.metricsRegistry.metrics();
    expect(metrics).toContain(
      `servekit_stream_messages_total{result="dead_lettered",stream="${stream}",group="g"} 1`,
    );
    expect(metrics).toContain(
      `servekit_stream_messages_total{result="consumed",stream="${stream}",group="g"} 5`,
    );
    expect(metrics).toMatch(/servekit_stream_group_lag\{[^}]*\} 0/);
  });

  it("sends a message with invalid input to the dead-letter stream at once: no retry can fix it", async () => {
    const { stream } = await startConsumer({ maxAttempts: 5, claimIdleMs: 100 });
    await addMessages(client, stream, [
      { id: "bad", count: "many" },
      { id: "not-json", input: "{oops" },
    ]);
    const letters = await waitUntil("two dead letters", async () => {
      const found = await entries(client, `${stream}:dead`);
      return found.length === 2 && found;
    });
    const byId = Object.fromEntries(letters.map((l) => [l.id, l]));
    expect(byId.bad?.attempts).toBe("1");
    expect(JSON.parse(byId.bad!.error!)).toMatchObject({
      code: "INVALID_INPUT",
      details: [expect.objectContaining({ path: ["count"] })],
    });
    expect(JSON.parse(byId["not-json"]!.error!).code).toBe("MALFORMED_REQUEST");
    expect(await pendingCount(client, stream, "g")).toBe(0);
  });

  it("stop() reads no more, and predicts, publishes and acknowledges the messages in flight", async () => {
    const { stream, consumer } = await startConsumer({ maxConcurrency: 2 });
    await addMessages(
      client,
      stream,
      Array.from({ length: 8 }, (_, i) => ({ id: `s${i}`, sleep_ms: "300" })),
    );
    await waitUntil("two messages in flight", () => consumer.stats().inFlight === 2);
    expect(await consumer.stop(10_000)).toBe(true);
    const outputs = await entries(client, `${stream}:out`);
    expect(outputs.map((o) => o.id)).toEqual(["s0", "s1"]);
    expect(await pendingCount(client, stream, "g")).toBe(0);
    const [group] = await client.xInfoGroups(stream);
    expect(Number(group?.lag)).toBe(6); // never delivered: there for the next consumer
  });

  it("with several models, consumes with the one named, each message on the version its traffic policy picks", async () => {
    const stream = `in-${randomUUID()}`;
    const models = new ModelRegistry([fixturePredictor, echoVersion("1"), echoVersion("2")], {
      logger: log,
      traffic: { echo: { weights: { "1": 0, "2": 100 } } },
    });
    cleanup.push(() => models.close());
    expect(
      () => new StreamConsumer(models, { redis: redis.url, stream, group: "g", model: "nope" }),
    ).toThrow(/nope/);
    const consumer = new StreamConsumer(
      models,
      { redis: redis.url, stream, group: "g", model: "echo", blockMs: 100 },
      { log },
    );
    await consumer.start();
    cleanup.push(() => consumer.stop(5_000));
    await addMessages(client, stream, [{ id: "v", text: "hi" }]);
    const [output] = await waitUntil("the output", async () => {
      const out = await entries(client, `${stream}:out`);
      return out.length > 0 && out;
    });
    expect(output).toMatchObject({ id: "v", model: "echo", version: "2" });
    expect(JSON.parse(output!.output!)).toEqual({ text: "hi", score: 1, version: "2" });
  });

  it("stop() still returns when Redis has gone away", async () => {
    const own = await startRedis();
    const runtime = new ModelRuntime(fixturePredictor, { workers: 0, logger: log });
    cleanup.push(() => runtime.close());
    const consumer = new StreamConsumer(
      runtime,
      { redis: own.url, stream: "in", group: "g", blockMs: 100 },
      { log },
    );
    await consumer.start();
    await own.stop();
    // Past the retry pause after the failed read: the next read waits for Redis to come back.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await consumer.stop(1_000)).toBe(true);
  });

  it("runs inside serve(): the server answers HTTP and consumes the stream at once", async () => {
    const stream = `in-${randomUUID()}`;
    const server = await serve(fixturePredictor, {
      host: "127.0.0.1",
      port: 0,
      handleSignals: false,
      logger: log,
      consume: { redis: redis.url, stream, group: "web", consumer: "w1", blockMs: 100 },
    });
    cleanup.push(() => server.close());
    await server.ready;
    await addMessages(client, stream, [{ id: "via-stream", text: "s" }]);
    const res = await fetch(`${server.url}/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text: "h" }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { text: string }).text).toBe("h");
    const [output] = await waitUntil("the stream's output", async () => {
      const out = await entries(client, `${stream}:out`);
      return out.length > 0 && out;
    });
    expect(output).toMatchObject({ id: "via-stream", model: "fixture" });
    expect(JSON.parse(output!.output!).text).toBe("s");
    // The consumer's counts are on the server's /metrics, next to the HTTP ones.
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^servekit_stream_messages_total\{[^}]*result="succeeded"[^}]*\} 1$/m);
    expect(metrics).toMatch(/^servekit_http_requests_total\{route="\/predict"/m);
  });
});
