import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { PassThrough } from "node:stream";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { createApp, type ServekitApp, type ServeOptions } from "../../index.js";
import { fixturePredictor } from "../../test-support/fixture-predictor.js";
import type { Prediction } from "./prediction.js";

const ASYNC = { "content-type": "application/json", prefer: "respond-async" };

/** A loopback server answering every request with `status` (and `location`, if given). */
async function server(status: number, location?: string) {
  const calls: { url: string; headers: IncomingHttpHeaders }[] = [];
  const http: Server = createServer(async (req, res) => {
    for await (const _ of req) {
      // Drain the body.
    }
    calls.push({ url: req.url ?? "", headers: req.headers });
    res.writeHead(status, location ? { location } : {}).end();
  });
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
  const port = (http.address() as AddressInfo).port;
  return { port, url: `http://127.0.0.1:${port}/hook`, calls, close: () => http.close() };
}

/** An app whose JSON log lines are captured in `logs()`. */
function appWithLogs(options: ServeOptions = {}) {
  const stream = new PassThrough();
  let text = "";
  stream.on("data", (chunk) => {
    text += chunk;
  });
  const app = createApp(fixturePredictor, {
    logger: pino({ level: "debug" }, stream),
    metrics: false,
    webhookRetry: { attempts: 2, initialDelayMs: 10, maxDelayMs: 10 },
    ...options,
  });
  return { app, logs: () => text };
}

async function create(app: ServekitApp, webhook: string): Promise<Response> {
  return app.request("/predictions", {
    method: "POST",
    headers: ASYNC,
    body: JSON.stringify({ input: { text: "w" }, webhook, webhook_events_filter: ["completed"] }),
  });
}

async function finish(app: ServekitApp, res: Response): Promise<void> {
  expect(res.status).toBe(202);
  const { id } = (await res.json()) as Prediction;
  for (let i = 0; i < 200; i++) {
    const p = (await (await app.request(`/predictions/${id}`)).json()) as Prediction;
    if (p.status === "succeeded") break;
    await new Promise((r) => setTimeout(r, 10));
  }
  expect(await app.lifecycle.flush(5_000)).toBe(true);
}

describe("webhook delivery", () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const close of cleanup.splice(0)) await close();
  });

  it("does not follow a redirect: a 3xx is a failed delivery, not retried", async () => {
    const target = await server(200);
    const redirecting = await server(302, target.url);
    const { app, logs } = appWithLogs();
    cleanup.push(target.close, redirecting.close, () => app.lifecycle.close());
    await app.lifecycle.ready;
    await finish(app, await create(app, redirecting.url));
    expect(redirecting.calls).toHaveLength(1);
    expect(target.calls).toHaveLength(0);
    expect(logs()).toContain("redirects are not followed");
  });

  it("sends URL credentials as Basic auth and never writes them, or query values, to the log", async () => {
    const failing = await server(500);
    const { app, logs } = appWithLogs();
    cleanup.push(failing.close, () => app.lifecycle.close());
    await app.lifecycle.ready;
    const webhook = `http://hook-user:s3cr3t-pw@127.0.0.1:${failing.port}/hook?token=t0ken-value`;
    await finish(app, await create(app, webhook));
    expect(failing.calls).toHaveLength(2);
    expect(failing.calls[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from("hook-user:s3cr3t-pw").toString("base64")}`,
    );
    expect(failing.calls[0]?.url).toBe("/hook?token=t0ken-value");
    // The failures were logged, with the URL, but without its secrets.
    expect(logs()).toContain("giving up");
    expect(logs()).toContain(`127.0.0.1:${failing.port}/hook?token=REDACTED`);
    expect(logs()).not.toContain("s3cr3t-pw");
    expect(logs()).not.toContain("hook-user");
    expect(logs()).not.toContain("t0ken-value");
  });

  it("refuses link-local and cloud metadata webhooks with 422 naming `webhook`", async () => {
    const { app } = appWithLogs({ logLevel: "silent" });
    cleanup.push(() => app.lifecycle.close());
    await app.lifecycle.ready;
    for (const webhook of [
      "http://169.254.169.254/latest/meta-data/",
      "http://[fd00:ec2::254]/",
      "http://metadata.google.internal/computeMetadata/v1/",
      "http://[fe80::1]/hook",
      "http://[::ffff:169.254.169.254]/",
    ]) {
      const res = await create(app, webhook);
      expect(res.status, webhook).toBe(422);
      const body = (await res.json()) as { error: { details: { path: string[] }[] } };
      expect(body.error.details[0]?.path).toEqual(["webhook"]);
    }
  });

  it("checks webhookDenyHosts and webhookAllowHosts against the address a name resolves to", async () => {
    const receiver = await server(200);
    cleanup.push(receiver.close);
    const denied = appWithLogs({ logLevel: "silent", webhookDenyHosts: ["127.0.0.0/8"] }).app;
    const allowed = appWithLogs({ logLevel: "silent", webhookAllowHosts: ["127.0.0.1/32"] }).app;
    const elsewhere = appWithLogs({
      logLevel: "silent",
      webhookAllowHosts: ["hooks.example.com"],
    }).app;
    cleanup.push(
      () => denied.lifecycle.close(),
      () => allowed.lifecycle.close(),
      () => elsewhere.lifecycle.close(),
    );
    await Promise.all([denied.lifecycle.ready, allowed.lifecycle.ready, elsewhere.lifecycle.ready]);
    // `localhost` is a name: it is denied for the address it resolves to.
    const byName = `http://localhost:${receiver.port}/hook`;
    expect((await create(denied, byName)).status).toBe(422);
    expect((await create(elsewhere, receiver.url)).status).toBe(422);
    await finish(allowed, await create(allowed, receiver.url));
    expect(receiver.calls).toHaveLength(1);
  });
});
