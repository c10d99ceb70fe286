import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type ServekitApp } from "../../index.js";
import { fixturePredictor } from "../../test-support/fixture-predictor.js";
import { waitFinished } from "../../test-support/prediction-record.js";
import type { Prediction } from "./prediction.js";

const ASYNC = { "content-type": "application/json", prefer: "respond-async" };

function post(app: ServekitApp, path: string, body: unknown, headers = ASYNC) {
  return app.request(path, { method: "POST", headers, body: JSON.stringify(body) });
}

/** A loopback webhook receiver answering with `statuses` in turn, then 200. */
async function receiver(statuses: number[] = []) {
  const received: Prediction[] = [];
  let calls = 0;
  const server: Server = createServer(async (req: IncomingMessage, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    const status = statuses[calls++] ?? 200;
    if (status === 200) received.push(JSON.parse(body));
    res.writeHead(status).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, received, calls: () => calls, close: () => server.close() };
}

describe("async predictions", () => {
  let app: ServekitApp;

  beforeAll(async () => {
    app = createApp(fixturePredictor, {
      logLevel: "silent",
      metrics: false,
      webhookRetry: { initialDelayMs: 20, maxDelayMs: 100 },
    });
    await app.lifecycle.ready;
  });
  afterAll(() => app.lifecycle.close());

  it("answers 202 with Prefer: respond-async, then succeeds when polled", async () => {
    const res = await post(app, "/predictions", { input: { text: "hi", sleep_ms: 50 } });
    expect(res.status).toBe(202);
    const accepted = (await res.json()) as Prediction;
    expect(accepted).toMatchObject({
      status: "starting",
      input: { text: "hi", sleep_ms: 50 },
      output: null,
      error: null,
      logs: "",
    });
    expect(accepted.urls.get).toBe(`http://localhost/predictions/${accepted.id}`);
    expect(res.headers.get("location")).toBe(accepted.urls.get);
    const done = await waitFinished(app, accepted.id);
    expect(done).toMatchObject({ status: "succeeded", output: { text: "hi" } });
    expect(done.completed_at).not.toBeNull();
  });

  it("keeps POST /predictions synchronous without the header", async () => {
    const res = await post(app, "/predictions", { input: { text: "sync" } }, {
      "content-type": "application/json",
    } as typeof ASYNC);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "succeeded", output: { text: "sync" } });
  });

  it("answers 404 for an unknown id", async () => {
    const res = await app.request("/predictions/nope");
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe("NOT_FOUND");
  });

  it("rejects invalid input with 422 before accepting", async () => {
    const res = await post(app, "/predictions", { input: { count: -1 } });
    expect(res.status).toBe(422);
    expect((await res.json()).error.details[0].path).toEqual(["input", "count"]);
  });

  it("cancels a slow prediction: its signal aborts and the status is canceled", async () => {
    const accepted = (await (
      await post(app, "/predictions", { input: { sleep_ms: 10_000 } })
    ).json()) as Prediction;
    await new Promise((r) => setTimeout(r, 50));
    const started = performance.now();
    const res = await app.request(`/predictions/${accepted.id}/cancel`, { method: "POST" });
    expect(res.status).toBe(200);
    expect((await res.json()).status).toBe("canceled");
    // The slot is free again at once: the next prediction does not wait 10 s.
    const next = await post(app, "/predictions", { input: { text: "after" } }, {
      "content-type": "application/json",
    } as typeof ASYNC);
    expect((await next.json()).status).toBe("succeeded");
    expect(performance.now() - started).toBeLessThan(2_000);
    expect((await waitFinished(app, accepted.id)).status).toBe("canceled");
    // Cancelling again is a no-op.
    const again = await app.request(`/predictions/${accepted.id}/cancel`, { method: "POST" });
    expect((await again.json()).status).toBe("canceled");
  });

  it("makes PUT idempotent and answers 409 for a different input", async () => {
    const put = (input: unknown) =>
      app.request("/predictions/my-id-1", {
        method: "PUT",
        headers: ASYNC,
        body: JSON.stringify({ input }),
      });
    const first = await put({ text: "a", sleep_ms: 30 });
    expect(first.status).toBe(202);
    const again = await put({ text: "a", sleep_ms: 30 });
    expect(again.status).toBe(202);
    expect((await again.json()).id).toBe("my-id-1");
    const conflict = await put({ text: "b" });
    expect(conflict.status).toBe(409);
    expect((await conflict.json()).error).toMatchObject({ code: "CONFLICT" });
    expect(await waitFinished(app, "my-id-1")).toMatchObject({
      status: "succeeded",
      output: { text: "a" },
    });
  });

  it("waits for the result on PUT without Prefer", async () => {
    const res = await app.request("/predictions/sync-put", {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ input: { text: "put" } }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "succeeded", output: { text: "put" } });
  });

  it("posts the events the filter asks for to the webhook", async () => {
    const hook = await receiver();
    try {
      const all = (await (
        await post(app, "/predictions", { input: { text: "w" }, webhook: hook.url })
      ).json()) as Prediction;
      const filtered = (await (
        await post(app, "/predictions", {
          input: { text: "f" },
          webhook: hook.url,
          webhook_events_filter: ["completed"],
        })
      ).json()) as Prediction;
      await waitFinished(app, all.id);
      await waitFinished(app, filtered.id);
      expect(await app.lifecycle.flush(5_000)).toBe(true);
      const statuses = (id: string) =>
        hook.received.filter((p) => p.id === id).map((p) => p.status);
      expect(statuses(all.id)).toEqual(["starting", "succeeded"]);
      expect(statuses(filtered.id)).toEqual(["succeeded"]);
      expect(
        hook.received.find((p) => p.status === "succeeded" && p.id === all.id)?.output,
      ).toEqual(expect.objectContaining({ text: "w" }));
    } finally {
      hook.close();
    }
  });

  it("retries a webhook the receiver first answers with 500", async () => {
    const hook = await receiver([500, 503]);
    try {
      const accepted = (await (
        await post(app, "/predictions", {
          input: { text: "r" },
          webhook: hook.url,
          webhook_events_filter: ["completed"],
        })
      ).json()) as Prediction;
      await waitFinished(app, accepted.id);
      expect(await app.lifecycle.flush(5_000)).toBe(true);
      expect(hook.calls()).toBe(3);
      expect(hook.received.map((p) => p.status)).toEqual(["succeeded"]);
    } finally {
      hook.close();
    }
  });

  it("stores, echoes and posts only the input fields the schema takes", async () => {
    const hook = await receiver();
    try {
      const res = await post(app, "/predictions", {
        input: { text: "kept", ignored: { secret: "not for the echo" } },
        webhook: hook.url,
        webhook_events_filter: ["completed"],
      });
      expect(res.status).toBe(202);
      const accepted = (await res.json()) as Prediction;
      expect(accepted.input).toEqual({ text: "kept" });
      const done = await waitFinished(app, accepted.id);
      expect(done).toMatchObject({ status: "succeeded", input: { text: "kept" } });
      expect(await app.lifecycle.flush(5_000)).toBe(true);
      expect(hook.received.map((p) => p.input)).toEqual([{ text: "kept" }]);
      const sync = await post(app, "/predictions", { input: { text: "s", ignored: 1 } }, {
        "content-type": "application/json",
      } as typeof ASYNC);
      expect((await sync.json()).input).toEqual({ text: "s" });
    } finally {
      hook.close();
    }
  });

  it("runs (or refuses with 400) a webhook prediction with 10 000 levels of nesting in an ignored field, never leaving it starting", async () => {
    const hook = await receiver();
    try {
      const deep = `${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}`;
      const res = await app.request("/predictions", {
        method: "POST",
        headers: ASYNC,
        body: `{"id":"deep-1","input":{"text":"deep","junk":${deep}},"webhook":${JSON.stringify(hook.url)}}`,
      });
      if (res.status === 400) {
        // Refused at parse time: the id stays free.
        expect((await app.request("/predictions/deep-1")).status).toBe(404);
        return;
      }
      expect(res.status).toBe(202);
      expect(((await res.json()) as Prediction).input).toEqual({ text: "deep" });
      expect(await waitFinished(app, "deep-1")).toMatchObject({
        status: "succeeded",
        output: { text: "deep" },
      });
      expect(await app.lifecycle.flush(5_000)).toBe(true);
      expect(hook.received.map((p) => p.status)).toEqual(["starting", "succeeded"]);
    } finally {
      hook.close();
    }
  });

  it("rejects a webhook that is not an http(s) URL", async () => {
    const res = await post(app, "/predictions", { input: {}, webhook: "file:///etc/passwd" });
    expect(res.status).toBe(422);
  });
});
