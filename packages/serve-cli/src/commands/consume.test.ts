import { spawn } from "node:child_process";
import { join } from "node:path";
import {
  collectOutput,
  freePort,
  type RedisServer,
  redisMissingReason,
  startRedis,
} from "@servekit/test-kit";
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, FIXTURES, runCli } from "../../test/run-cli.js";

const ECHO = join(FIXTURES, "echo");

describe("serve-cli consume with wrong flags", () => {
  it("exits 2 naming what is missing or wrong, before setup runs", async () => {
    const missing = await runCli(["consume", ECHO, "--redis", "redis://127.0.0.1:1"], {
      env: { REDIS_URL: "" },
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("missing `--stream <key>`, `--group <name>`");
    const bad = await runCli([
      "consume",
      ECHO,
      "--redis",
      "redis://127.0.0.1:1",
      "--stream",
      "in",
      "--group",
      "g",
      "--max-attempts",
      "0",
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("error: --max-attempts must be a whole number ≥ 1, got 0");
    const url = await runCli(["consume", ECHO, "--redis", "localhost:6379"]);
    expect(url.code).toBe(2);
    expect(url.stderr).toContain('--redis must be a Redis URL, e.g. "redis://127.0.0.1:6379"');
  });

  it("exits 1 saying where it could not connect when Redis is not there", async () => {
    const port = await freePort();
    const result = await runCli(
      ["consume", ECHO, "--redis", `redis://127.0.0.1:${port}`, "--stream", "in", "--group", "g"],
      { timeoutMs: 30_000 },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`cannot connect to Redis at redis://127.0.0.1:${port}`);
  });
});

const redisMissing = redisMissingReason();

describe.skipIf(redisMissing)("serve-cli consume", () => {
  let redis: RedisServer;
  let client: ReturnType<typeof createClient>;

  beforeAll(async () => {
    redis = await startRedis();
    client = createClient({ url: redis.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.close();
    await redis?.stop();
  });

  it("answers every message on the output stream, dead-letters bad input, and exits 0 on SIGTERM", async () => {
    const messages = [
      ...Array.from({ length: 20 }, (_, i) => ({ id: `e${i}`, text: `t${i}`, times: "2" })),
      { id: "too-many", text: "x", times: "9" },
    ];
    for (const fields of messages) await client.xAdd("in", "*", fields);
    const child = spawn(
      process.execPath,
      [
        BIN,
        "consume",
        ECHO,
        "--redis",
        redis.url,
        "--stream",
        "in",
        "--group",
        "g",
        "--consumer",
        "cli-1",
        "--log-level",
        "warn",
      ],
      { cwd: FIXTURES, stdio: ["ignore", "pipe", "pipe"] },
    );
    const result = collectOutput(child, 60_000);
    // Every message handled: 20 outputs and the bad one's error.
    for (;;) {
      if ((await client.xLen("in:out")) === messages.length) break;
      if (child.exitCode !== null) throw new Error((await result).stderr);
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill("SIGTERM");
    const { code, stderr } = await result;
    expect(code).toBe(0);
    expect(stderr).toContain("consuming in as cli-1 in group g; outputs go to in:out");
    expect(stderr).toContain(
      "consumed 21 · succeeded 20 · failed 0 · dead-lettered 1 · in flight 0",
    );
    const outputs = await client.xRange("in:out", "-", "+");
    const e3 = outputs.find((o) => o.message.id === "e3")!.message;
    expect(JSON.parse(String(e3.output))).toEqual({ text: "t3t3", tags: [], attachment_bytes: 0 });
    expect(e3).toMatchObject({ model: "cli-echo" });
    const [dead] = await client.xRange("in:dead", "-", "+");
    expect(dead?.message).toMatchObject({ id: "too-many", attempts: "1" });
    expect(JSON.parse(String(dead?.message.error)).code).toBe("INVALID_INPUT");
    expect(Number((await client.xPending("in", "g")).pending)).toBe(0);
  });
});
