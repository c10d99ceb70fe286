import { describe, expect, it } from "vitest";
import { serve } from "./index.js";
import { fixturePredictor } from "./test-support/fixture-predictor.js";

function predict(url: string, input: unknown): Promise<Response> {
  return fetch(`${url}/predict`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(input),
  });
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("serve shutdown", () => {
  it("answers 503 DRAINING with Retry-After to new, queued and still-running predictions, never a reset", async () => {
    const server = await serve(fixturePredictor, {
      host: "127.0.0.1",
      port: 0,
      maxConcurrency: 2,
      shutdownGraceMs: 800,
      handleSignals: false,
      logLevel: "silent",
    });
    await server.ready;
    const { url } = server;
    // Two run: one ends within the grace period, one outlasts it. Two queue:
    // the first takes the freed slot and outlasts it too, the second never starts.
    const short = predict(url, { text: "short", sleep_ms: 200 });
    const long = predict(url, { sleep_ms: 10_000 });
    await wait(100);
    const queued = [predict(url, { sleep_ms: 10_000 }), predict(url, { sleep_ms: 10_000 })];
    await wait(100);

    const closed = server.close();
    await wait(100);
    // During the drain the listener still answers: new work is refused, probes say so.
    const during = await predict(url, {});
    expect(during.status).toBe(503);
    expect(during.headers.get("retry-after")).toBe("1");
    expect((await during.json()).error.code).toBe("DRAINING");
    expect((await fetch(`${url}/health/ready`)).status).toBe(503);
    expect((await fetch(`${url}/health/live`)).status).toBe(200);

    const finished = await short;
    expect(finished.status).toBe(200);
    expect((await finished.json()).text).toBe("short");
    for (const response of await Promise.all([long, ...queued])) {
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("1");
      expect((await response.json()).error.code).toBe("DRAINING");
    }
    await closed;
    // Stopped at the end: now connections are refused.
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });
});
