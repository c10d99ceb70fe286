import { afterEach, describe, expect, it } from "vitest";
import { definePredictor, type RunningServer, type ServeOptions, serve, z } from "../../index.js";
import { fixturePredictor } from "../../test-support/fixture-predictor.js";
import { capturingLogger, RawConnection } from "../../test-support/raw-http.js";

/** Serves `predictor` on a loopback port with a logger the test can read. */
async function start(options: ServeOptions, predictor = fixturePredictor) {
  const { log, lines } = capturingLogger();
  const server = await serve(predictor, {
    host: "127.0.0.1",
    port: 0,
    handleSignals: false,
    logger: log,
    ...options,
  });
  return { server, lines };
}

function post(url: string, body: unknown) {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

const requestLines = (lines: Record<string, unknown>[]) => lines.filter((l) => l.msg === "request");

describe("admission of POST /predict and /predictions", () => {
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("refuses with 503 and Retry-After before the body arrives when every slot and queue place is taken, logged as a warning", async () => {
    const started = await start({ maxConcurrency: 1, maxQueue: 0 });
    server = started.server;
    await server.ready;
    const busy = post(`${server.url}/predict`, { sleep_ms: 1_500 });
    await new Promise((r) => setTimeout(r, 200));
    for (const path of ["/predict", "/predictions"]) {
      const connection = await RawConnection.open(server.url);
      // 10 MB declared, 10 bytes sent: only a refusal that reads nothing can answer now.
      connection.startPost(path, 10_000_000);
      connection.write('{"text":"x');
      const refused = await connection.response(1_000);
      expect(refused.status).toBe(503);
      expect(refused.headers["retry-after"]).toBe("1");
      expect(JSON.parse(refused.body).error.code).toBe("OVERLOADED");
      connection.destroy();
    }
    expect((await busy).status).toBe(200);
    const refusals = requestLines(started.lines).filter((l) => l.status === 503);
    expect(refusals).toHaveLength(2);
    expect(refusals.every((l) => l.level === 40)).toBe(true);
    expect(started.lines.filter((l) => (l.level as number) >= 50)).toEqual([]);
  });

  it("keeps a keep-alive connection usable after refusing a request whose body it did not read", async () => {
    ({ server } = await start({ maxConcurrency: 1, maxQueue: 0 }));
    await server.ready;
    const busy = post(`${server.url}/predict`, { sleep_ms: 500 });
    await new Promise((r) => setTimeout(r, 150));
    const connection = await RawConnection.open(server.url);
    const body = JSON.stringify({ text: "first" });
    connection.startPost("/predict", Buffer.byteLength(body));
    connection.write(body);
    expect((await connection.response()).status).toBe(503);
    await busy;
    const again = JSON.stringify({ text: "second" });
    connection.startPost("/predict", Buffer.byteLength(again));
    connection.write(again);
    const answered = await connection.response();
    expect(answered.status).toBe(200);
    expect(JSON.parse(answered.body).text).toBe("second");
    connection.destroy();
  });

  it("counts queue time from the request's arrival, not from when its body was read", async () => {
    ({ server } = await start({ maxConcurrency: 1, maxQueue: 4, queueTimeoutMs: 1_000 }));
    await server.ready;
    const busy = post(`${server.url}/predict`, { sleep_ms: 3_000 });
    await new Promise((r) => setTimeout(r, 100));
    const body = JSON.stringify({ text: "slow body" });
    const connection = await RawConnection.open(server.url);
    const arrived = performance.now();
    connection.startPost("/predict", Buffer.byteLength(body));
    connection.write(body.slice(0, 4));
    await new Promise((r) => setTimeout(r, 800));
    connection.write(body.slice(4));
    const refused = await connection.response(3_000);
    const waited = performance.now() - arrived;
    expect(refused.status).toBe(503);
    // 1 000 ms from arrival; counting from the end of the body it would be ~1 800 ms.
    expect(waited).toBeLessThan(1_500);
    connection.destroy();
    await busy;
  });

  it("logs a probe's 503 during setup at info, not error", async () => {
    let finishSetup = () => {};
    const slowSetup = definePredictor({
      name: "slow-setup",
      input: z.object({}),
      output: z.object({}),
      setup: () => new Promise<void>((resolve) => (finishSetup = resolve)),
      predict: () => ({}),
    });
    const started = await start({}, slowSetup);
    server = started.server;
    expect((await fetch(`${server.url}/health/ready`)).status).toBe(503);
    expect((await post(`${server.url}/predict`, {})).status).toBe(503);
    finishSetup();
    await server.ready;
    const lines = requestLines(started.lines);
    expect(lines.find((l) => l.path === "/health/ready")).toMatchObject({ status: 503, level: 30 });
    expect(lines.find((l) => l.path === "/predict")).toMatchObject({ status: 503, level: 40 });
  });
});
