import { PassThrough } from "node:stream";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { ModelEntry, RunningServer, ServeOptions } from "../../index.js";
import { serve } from "../../serve.js";
import { echoVersion } from "../../test-support/versioned-echo.js";

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Serves the entries with every request shadowed on 2.0.0; log lines are captured. */
async function start(entries: ModelEntry[], options: ServeOptions = {}) {
  const stream = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  stream.on("data", (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line));
  });
  server = await serve(entries, {
    host: "127.0.0.1",
    port: 0,
    handleSignals: false,
    logger: pino({ level: "info" }, stream),
    traffic: { echo: { weights: { "1.0.0": 100 }, shadow: { version: "2.0.0", fraction: 1 } } },
    ...options,
  });
  await server.ready;
  return lines;
}

async function predict(
  score: number,
): Promise<{ status: number; body: unknown; version: string | null }> {
  const res = await fetch(`${server!.url}/predict`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ text: "hi", score }),
  });
  return {
    status: res.status,
    body: await res.json(),
    version: res.headers.get("x-model-version"),
  };
}

/** The shadow counts in /metrics, once `total` shadow runs have been counted. */
async function shadowCounts(total: number): Promise<Record<string, number>> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const text = await (await fetch(`${server!.url}/metrics`)).text();
    const counts: Record<string, number> = {};
    for (const [, result, n] of text.matchAll(
      /^servekit_shadow_predictions_total\{[^}]*result="(\w+)"[^}]*\} (\d+)$/gm,
    ))
      counts[result!] = Number(n);
    if (Object.values(counts).reduce((a, b) => a + b, 0) >= total) return counts;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("the shadow runs were never counted");
}

describe("shadow releases", () => {
  it("never changes the answer, and counts agreement by the candidate's own compare hook", async () => {
    // 2.0.0 adds 0.05 to the score: within its tolerance of 0.1 it agrees; then drifts by 5 when asked.
    const lines = await start([
      echoVersion("1.0.0"),
      echoVersion("2.0.0", { drift: 0.05, tolerance: 0.1 }),
    ]);
    for (let i = 0; i < 5; i++) {
      const answer = await predict(1);
      expect(answer).toEqual({
        status: 200,
        body: { text: "hi", score: 1, version: "1.0.0" },
        version: "1.0.0",
      });
    }
    expect(await shadowCounts(5)).toEqual({ agree: 5 });
    const metrics = await (await fetch(`${server!.url}/metrics`)).text();
    expect(metrics).toContain(
      'servekit_shadow_predictions_total{model="echo",primary="1.0.0",candidate="2.0.0",result="agree"} 5',
    );
    expect(lines.some((l) => l.msg === "shadow disagreed")).toBe(false);
  });

  it("counts and logs a disagreement with the hook's difference", async () => {
    const lines = await start([
      echoVersion("1.0.0"),
      echoVersion("2.0.0", { drift: 5, tolerance: 0.1 }),
    ]);
    expect((await predict(1)).body).toEqual({ text: "hi", score: 1, version: "1.0.0" });
    expect(await shadowCounts(1)).toEqual({ disagree: 1 });
    const line = lines.find((l) => l.msg === "shadow disagreed");
    expect(line).toMatchObject({
      model: "echo",
      primary: "1.0.0",
      candidate: "2.0.0",
      difference: { score_gap: 5 },
    });
  });

  it("compares whole outputs when the candidate has no hook", async () => {
    await start([echoVersion("1.0.0"), echoVersion("2.0.0")]);
    await predict(1);
    // Same text and score, different `version` field: not equal.
    expect(await shadowCounts(1)).toEqual({ disagree: 1 });
  });

  it("keeps a failing candidate invisible to callers: every answer is the primary's 200", async () => {
    const lines = await start([echoVersion("1.0.0"), echoVersion("2.0.0", { broken: true })]);
    for (let i = 0; i < 5; i++) expect((await predict(i)).status).toBe(200);
    expect(await shadowCounts(5)).toEqual({ failed: 5 });
    expect(
      lines.filter((l) => l.msg === "shadow prediction failed (the caller was not affected)"),
    ).toHaveLength(5);
  });

  it("does not shadow the requests that already go to the candidate", async () => {
    await start([echoVersion("1.0.0"), echoVersion("2.0.0")], {
      traffic: { echo: { weights: { "2.0.0": 100 }, shadow: { version: "2.0.0", fraction: 1 } } },
    });
    expect((await predict(1)).version).toBe("2.0.0");
    const text = await (await fetch(`${server!.url}/metrics`)).text();
    expect(text).not.toMatch(/^servekit_shadow_predictions_total\{/m);
  });
});
