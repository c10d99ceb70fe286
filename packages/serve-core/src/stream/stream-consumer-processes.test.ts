import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { type RedisServer, redisMissingReason, startRedis } from "@servekit/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addMessages,
  entries,
  pendingByConsumer,
  pendingCount,
  type TestRedis,
  testClient,
  waitUntil,
} from "./stream-test-helpers.js";

const FIXTURE = fileURLToPath(new URL("./consume-fixture.ts", import.meta.url));
const redisMissing = redisMissingReason();

interface ConsumerProcess {
  child: ChildProcess;
  exited: Promise<number | null>;
  output: () => string;
}

/** Starts consume-fixture.ts and resolves once it logged that it is consuming. */
function startConsumerProcess(env: Record<string, string>): Promise<ConsumerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", FIXTURE], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  return new Promise((resolve, reject) => {
    void exited.then((code) => reject(new Error(`consumer exited ${code}:\n${output}`)));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      output += `${line}\n`;
      if (line.includes('"msg":"consuming ')) resolve({ child, exited, output: () => output });
    });
  });
}

describe.skipIf(redisMissing)("stream consumers in separate processes", () => {
  let redis: RedisServer;
  let client: TestRedis;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    client = await testClient(redis.url);
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    await client?.close();
    await redis?.stop();
  });

  it("two consumers in one group, one killed with kill -9 midway: every input id gets an output", async () => {
    const stream = `in-${randomUUID()}`;
    const capacity = 4;
    const env = (name: string) => ({
      REDIS_URL: redis.url,
      STREAM: stream,
      GROUP: "g",
      CONSUMER: name,
      MAX_CONCURRENCY: String(capacity),
      CLAIM_IDLE_MS: "1000",
    });
    const [a, b] = await Promise.all([
      startConsumerProcess(env("a")),
      startConsumerProcess(env("b")),
    ]);
    children.push(a.child, b.child);
    const total = 500;
    const ids = Array.from({ length: total }, (_, i) => `m${i}`);
    await addMessages(
      client,
      stream,
      ids.map((id) => ({ id, text: id, sleep_ms: "15" })),
    );
    // Backpressure, checked along the way: neither holds more unacknowledged than it runs.
    let most = 0;
    const sample = async () => {
      for (const n of (await pendingByConsumer(client, stream, "g")).values())
        most = Math.max(most, n);
    };
    await waitUntil("a third of the outputs", async () => {
      await sample();
      return (await client.xLen(`${stream}:out`)) >= total / 3;
    });
    // Frozen first, so that what it holds can be seen: kill it while it holds messages.
    const leftByA = await waitUntil("a stopped while holding messages", async () => {
      a.child.kill("SIGSTOP");
      const held = (await pendingByConsumer(client, stream, "g")).get("a") ?? 0;
      if (held === 0) a.child.kill("SIGCONT");
      return held;
    });
    a.child.kill("SIGKILL");
    expect(await a.exited).toBeNull();
    // What a held unacknowledged when it died: only another consumer's claim can finish it.
    expect(leftByA).toBeGreaterThan(0);
    expect(leftByA).toBeLessThanOrEqual(capacity);
    const outputs = await waitUntil(
      "an output for every id",
      async () => {
        await sample();
        const out = await entries(client, `${stream}:out`);
        return new Set(out.map((o) => o.id)).size === total && out;
      },
      60_000,
    );
    const perId = new Map<string, number>();
    for (const o of outputs) perId.set(o.id!, (perId.get(o.id!) ?? 0) + 1);
    expect([...perId.keys()].sort()).toEqual([...ids].sort());
    // Only messages in flight in the killed consumer can be answered twice.
    const duplicates = outputs.length - total;
    expect(duplicates).toBeLessThanOrEqual(capacity);
    expect(outputs.every((o) => o.output && !o.error)).toBe(true);
    expect(most).toBeLessThanOrEqual(capacity);
    expect(await pendingCount(client, stream, "g")).toBe(0);
    expect((await pendingByConsumer(client, stream, "g")).get("a")).toBeUndefined();
    b.child.kill("SIGTERM");
    expect(await b.exited).toBe(0);
  });

  it("SIGTERM stops reading, finishes and acknowledges what is in flight, and exits 0", async () => {
    const stream = `in-${randomUUID()}`;
    const consumer = await startConsumerProcess({
      REDIS_URL: redis.url,
      STREAM: stream,
      GROUP: "g",
      CONSUMER: "t",
      MAX_CONCURRENCY: "2",
    });
    children.push(consumer.child);
    await addMessages(
      client,
      stream,
      Array.from({ length: 6 }, (_, i) => ({ id: `t${i}`, sleep_ms: "500" })),
    );
    await waitUntil(
      "two messages pending on the consumer",
      async () => (await pendingByConsumer(client, stream, "g")).get("t") === 2,
    );
    consumer.child.kill("SIGTERM");
    expect(await consumer.exited).toBe(0);
    const outputs = await entries(client, `${stream}:out`);
    expect(outputs.map((o) => o.id)).toEqual(["t0", "t1"]);
    expect(await pendingCount(client, stream, "g")).toBe(0);
    expect(consumer.output()).toContain('"msg":"stream consumer stopped"');
  });
});
