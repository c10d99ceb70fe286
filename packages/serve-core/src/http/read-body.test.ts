import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createApp,
  type RunningServer,
  type ServekitApp,
  type ServeOptions,
  serve,
} from "../index.js";
import { MAX_JSON_DEPTH } from "../input/parse-body.js";
import { fixturePredictor } from "../test-support/fixture-predictor.js";
import { capturingLogger, RawConnection } from "../test-support/raw-http.js";

/** Serves the fixture predictor on a loopback port with a logger the test can read. */
async function start(options: ServeOptions = {}) {
  const { log, lines } = capturingLogger();
  const server = await serve(fixturePredictor, {
    host: "127.0.0.1",
    port: 0,
    handleSignals: false,
    logger: log,
    ...options,
  });
  await server.ready;
  return { server, lines };
}

function post(url: string, body: string) {
  return fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
}

const KiB = 1024;

describe("reading request bodies over a real socket", () => {
  let server: RunningServer | undefined;
  const connections: RawConnection[] = [];
  afterEach(async () => {
    for (const connection of connections.splice(0)) connection.destroy();
    await server?.close();
    server = undefined;
  });
  const open = async () => {
    const connection = await RawConnection.open(server!.url);
    connections.push(connection);
    return connection;
  };

  it("refuses a body that does not fit in maxBodyBytesInFlight with 503 before reading it, and takes new ones once uploads finish", async () => {
    ({ server } = await start({ maxBodyBytes: 400 * KiB, maxBodyBytesInFlight: 1_000 * KiB }));
    const body = JSON.stringify({ text: "held", pad: "x".repeat(300 * KiB) });
    const held = [await open(), await open(), await open()];
    for (const connection of held) {
      connection.startPost("/predict", body.length);
      connection.write(body.slice(0, 1_000));
    }
    await new Promise((r) => setTimeout(r, 200));
    // 3 × ~300 KiB are being received: one more does not fit in 1 000 KiB.
    const extra = await open();
    extra.startPost("/predictions", body.length);
    const refused = await extra.response(2_000);
    expect(refused.status).toBe(503);
    expect(refused.headers["retry-after"]).toBe("1");
    expect(JSON.parse(refused.body).error.message).toContain("maxBodyBytesInFlight");
    // Each held upload completes, and its bytes are given back.
    for (const connection of held) {
      connection.write(body.slice(1_000));
      expect((await connection.response()).status).toBe(200);
    }
    expect((await post(`${server.url}/predict`, body)).status).toBe(200);
  });

  it("answers a body slower than bodyReadTimeoutMs with 408 and closes the connection", async () => {
    ({ server } = await start({ bodyReadTimeoutMs: 300 }));
    const connection = await open();
    const started = performance.now();
    connection.startPost("/predict", 100);
    connection.write('{"text":');
    const answer = await connection.response(3_000);
    expect(answer.status).toBe(408);
    expect(JSON.parse(answer.body).error).toMatchObject({
      code: "REQUEST_TIMEOUT",
      message: expect.stringContaining("300 ms"),
    });
    await connection.closed;
    expect(performance.now() - started).toBeLessThan(2_000);
    expect((await post(`${server.url}/predict`, "{}")).status).toBe(200);
  });

  it("logs a client that hangs up mid-upload as closed (info, 499), not as a 500 in /metrics", async () => {
    const started = await start();
    server = started.server;
    const connection = await open();
    connection.startPost("/predict", 1_000_000);
    connection.write(`{"text":"${"x".repeat(100 * KiB)}`);
    await new Promise((r) => setTimeout(r, 200));
    connection.destroy();
    await new Promise((r) => setTimeout(r, 300));
    const line = started.lines.find((l) => l.msg === "request" && l.path === "/predict");
    expect(line).toMatchObject({ status: 499, level: 30 });
    expect(started.lines.filter((l) => (l.level as number) >= 50)).toEqual([]);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(
      /servekit_http_requests_total\{[^}]*route="\/predict"[^}]*status="499"[^}]*\} 1/,
    );
    expect(metrics).not.toMatch(/servekit_http_requests_total\{[^}]*status="500"/);
  });

  it(`answers JSON nested deeper than ${MAX_JSON_DEPTH} levels with 400, even in a field the schema ignores, and keeps serving`, async () => {
    ({ server } = await start());
    const deep = `${"[".repeat(10_000)}${"]".repeat(10_000)}`;
    for (const [path, body] of [
      ["/predict", `{"text":"hi","extra":${deep}}`],
      ["/predictions", `{"input":{"text":"hi","extra":${deep}}}`],
    ] as const) {
      const res = await post(`${server.url}${path}`, body);
      expect(res.status).toBe(400);
      expect((await res.json()).error.message).toContain(`${MAX_JSON_DEPTH} levels`);
    }
    const fine = `{"input":{"text":"hi","extra":${"[".repeat(MAX_JSON_DEPTH - 2)}${"]".repeat(MAX_JSON_DEPTH - 2)}}}`;
    expect((await post(`${server.url}/predictions`, fine)).status).toBe(200);
  });
});

describe("reading request bodies in-process", () => {
  let app: ServekitApp;

  beforeAll(async () => {
    app = createApp(fixturePredictor, { logLevel: "silent", predictTimeoutMs: 500 });
    await app.lifecycle.ready;
  });
  afterAll(() => app.lifecycle.close());

  it("rejects other media types with 415", async () => {
    const res = await app.request("/predict", {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "hello",
    });
    expect(res.status).toBe(415);
    expect((await res.json()).error.message).toContain("text/plain");
  });
});
