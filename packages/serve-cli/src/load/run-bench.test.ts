import { setTimeout as sleep } from "node:timers/promises";
import { definePredictor, type RunningServer, serve, z } from "@servekit/core";
import { freePort } from "@servekit/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LevelResult } from "./level-result.js";
import { bench } from "./run-bench.js";

const SERVICE_MS = 50;

const echo = definePredictor({
  name: "echo",
  input: z.object({ text: z.string() }),
  output: z.object({ text: z.string() }),
  predict: ({ text }) => ({ text }),
});

const slow = definePredictor({
  name: "slow",
  input: z.object({ text: z.string() }),
  output: z.object({ text: z.string() }),
  predict: async ({ text }) => {
    await sleep(SERVICE_MS);
    return { text };
  },
});

function start(
  predictor: typeof echo,
  options: { maxConcurrency?: number; maxQueue?: number } = {},
): Promise<RunningServer> {
  return serve(predictor, {
    port: 0,
    host: "127.0.0.1",
    workers: 0,
    logLevel: "silent",
    handleSignals: false,
    ...options,
  });
}

/** Every figure a user reads in the table is consistent with the others. */
function expectConsistent(level: LevelResult): void {
  const failed = Object.values(level.failuresByKind).reduce((sum, n) => sum + n, 0);
  expect(level.failures).toBe(failed);
  expect(level.requests).toBeGreaterThanOrEqual(level.failures);
  const { min, p50, p90, p99, p99_9, max } = level.latencyMs;
  expect([min, p50, p90, p99, p99_9, max]).toEqual(
    [min, p50, p90, p99, p99_9, max].sort((a, b) => a - b),
  );
  expect(level.timeline.reduce((sum, s) => sum + s.requests, 0)).toBe(level.requests);
}

const quick = { warmupMs: 100, durationMs: 600 };

describe("bench", () => {
  let fast: RunningServer;
  let slowServer: RunningServer;
  let overloaded: RunningServer;
  beforeAll(async () => {
    [fast, slowServer, overloaded] = await Promise.all([
      start(echo),
      start(slow, { maxConcurrency: 1, maxQueue: 1000 }),
      start(slow, { maxConcurrency: 1, maxQueue: 0 }),
    ]);
    await Promise.all([fast.ready, slowServer.ready, overloaded.ready]);
  });
  afterAll(async () => {
    await Promise.all([fast?.close(), slowServer?.close(), overloaded?.close()]);
  });

  it("closed loop: one row per concurrency, all answered, percentiles in order", async () => {
    const result = await bench({
      url: fast.url,
      request: { inputs: ["text=hello"] },
      levels: [
        { mode: "closed", concurrency: 1 },
        { mode: "closed", concurrency: 4 },
      ],
      ...quick,
    });
    expect(result.levels.map((l) => l.name)).toEqual(["concurrency 1", "concurrency 4"]);
    for (const level of result.levels) {
      expectConsistent(level);
      expect(level.requests).toBeGreaterThan(0);
      expect(level.failures).toBe(0);
      expect(level.rps).toBeGreaterThan(0);
      expect(level.avgBytes).toBe(JSON.stringify({ text: "hello" }).length);
      expect(level.url).toBe(`${fast.url}/predict`);
    }
  });

  it("--requests bounds the measured count of each level", async () => {
    const result = await bench({
      url: fast.url,
      request: { inputs: ["text=hello"] },
      levels: [{ mode: "closed", concurrency: 3 }],
      warmupMs: 0,
      durationMs: 60_000,
      maxRequests: 25,
    });
    expect(result.levels[0]!.requests).toBe(25);
  });

  it("open loop keeps its schedule: rate × duration requests, however fast the server", async () => {
    const result = await bench({
      url: fast.url,
      request: { inputs: ["text=hello"] },
      levels: [{ mode: "open", rate: 40 }],
      warmupMs: 200,
      durationMs: 1000,
    });
    const level = result.levels[0]!;
    expect(level.name).toBe("rate 40/s");
    expectConsistent(level);
    // Requests are due at fixed times, so the count follows the schedule, not the clock.
    expect(level.requests).toBeGreaterThanOrEqual(39);
    expect(level.requests).toBeLessThanOrEqual(41);
    expect(level.failures).toBe(0);
  });

  it("counts 503 OVERLOADED answers by status and the server's error code", async () => {
    const result = await bench({
      url: overloaded.url,
      request: { inputs: ["text=hello"] },
      levels: [{ mode: "closed", concurrency: 4 }],
      ...quick,
    });
    const level = result.levels[0]!;
    expectConsistent(level);
    expect(level.failuresByKind["503 OVERLOADED"]).toBeGreaterThan(0);
    expect(level.requests).toBeGreaterThan(level.failures);
  });

  it("open loop above capacity: latency counts from the intended send time", async () => {
    // The server does 1 / 50 ms = 20 per second; 40 per second queue up. Measured from
    // when each request was due, the median includes that queueing.
    const result = await bench({
      url: slowServer.url,
      request: { inputs: ["text=hello"] },
      levels: [{ mode: "open", rate: 40 }],
      warmupMs: 0,
      durationMs: 1000,
    });
    const level = result.levels[0]!;
    expectConsistent(level);
    expect(level.failures).toBe(0);
    expect(level.latencyMs.p50).toBeGreaterThan(2 * SERVICE_MS);
  });

  it("--max-in-flight: due requests beyond it fail as client overloaded instead of waiting", async () => {
    const result = await bench({
      url: slowServer.url,
      request: { inputs: ["text=hello"] },
      levels: [{ mode: "open", rate: 50 }],
      warmupMs: 0,
      durationMs: 600,
      maxInFlight: 1,
    });
    const level = result.levels[0]!;
    expectConsistent(level);
    expect(level.failuresByKind["client overloaded"]).toBeGreaterThan(0);
    expect(level.requests).toBeLessThanOrEqual(31);
  });

  it("counts network errors by code", async () => {
    const port = await freePort();
    const result = await bench({
      url: `http://127.0.0.1:${port}`,
      request: { inputs: [], bodyFile: "package.json" },
      levels: [{ mode: "closed", concurrency: 1 }],
      warmupMs: 0,
      durationMs: 60_000,
      maxRequests: 5,
    });
    expect(result.levels[0]!.failuresByKind).toEqual({ "network ECONNREFUSED": 5 });
  });

  it("--compare measures both servers in alternating rounds and gives B/A ratios", async () => {
    const result = await bench({
      url: fast.url,
      compareUrl: slowServer.url,
      request: { inputs: ["text=hello"] },
      levels: [{ mode: "closed", concurrency: 2 }],
      warmupMs: 100,
      durationMs: 800,
      rounds: 2,
    });
    expect(result.settings.rounds).toBe(2);
    const comparison = result.compare!.comparisons[0]!;
    expect(comparison.rounds.map((r) => r.order)).toEqual(["AB", "BA"]);
    // B (50 ms a prediction, one at a time) is slower than A (an echo).
    expect(comparison.medianRatio.rps).toBeLessThan(1);
    expect(comparison.medianRatio.p50).toBeGreaterThan(1);
    expectConsistent(result.levels[0]!);
    expectConsistent(result.compare!.levels[0]!);
  });
});
