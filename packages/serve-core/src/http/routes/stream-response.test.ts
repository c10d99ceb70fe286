import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type RunningServer, serve } from "../../index.js";
import { streamGate, streamPredictor } from "../../test-support/stream-predictor.js";

const post = (url: string, body: unknown, accept?: string) =>
  fetch(`${url}/predict`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(accept ? { accept } : {}) },
    body: JSON.stringify(body),
  });

describe("streamed output", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await serve(streamPredictor, {
      host: "127.0.0.1",
      port: 0,
      logLevel: "silent",
      handleSignals: false,
    });
    await server.ready;
  });
  afterAll(() => server.close());

  it("sends each item as a Server-Sent Event as soon as it is produced", async () => {
    streamGate.wait = new Promise((resolve) => {
      streamGate.release = resolve;
    });
    const res = await post(server.url, { text: "one two three", hold: true }, "text/event-stream");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    // The predictor is still holding after its first word, yet the client already has it.
    const first = decoder.decode((await reader.read()).value);
    expect(first).toBe('event: output\ndata: {"word":"one","index":0}\n\n');
    streamGate.release!();
    let rest = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      rest += decoder.decode(value);
    }
    expect(rest).toBe(
      'event: output\ndata: {"word":"two","index":1}\n\nevent: output\ndata: {"word":"three","index":2}\n\nevent: done\ndata: {}\n\n',
    );
  });

  it("sends NDJSON lines, and a JSON array to clients that do not stream", async () => {
    const ndjson = await (await post(server.url, { text: "a b" }, "application/x-ndjson")).text();
    expect(ndjson).toBe('{"word":"a","index":0}\n{"word":"b","index":1}\n');
    const array = await (await post(server.url, { text: "a b" })).json();
    expect(array).toEqual([
      { word: "a", index: 0 },
      { word: "b", index: 1 },
    ]);
  });

  it("ends the stream with an error event when the predictor fails mid-way, without internals", async () => {
    const text = await (
      await post(server.url, { text: "a b c", fail_after: 1 }, "text/event-stream")
    ).text();
    expect(text).toContain('event: output\ndata: {"word":"a","index":0}');
    expect(text).toMatch(/event: error\ndata: \{"code":"PREDICTION_FAILED"/);
    expect(text).not.toContain("ran out of words");
  });

  it("answers an error before the first item with its usual status", async () => {
    const res = await post(server.url, { text: "a b", fail_after: 0 }, "text/event-stream");
    expect(res.status).toBe(500);
    const invalid = await post(server.url, { text: "" }, "text/event-stream");
    expect(invalid.status).toBe(422);
  });
});

describe("streamed output from a worker pool, and in OpenAPI", () => {
  it("streams items across the thread boundary", async () => {
    const server = await serve(streamPredictor, {
      host: "127.0.0.1",
      port: 0,
      workers: 1,
      logLevel: "silent",
      handleSignals: false,
    });
    await server.ready;
    const text = await (await post(server.url, { text: "x y" }, "application/x-ndjson")).text();
    expect(text).toBe('{"word":"x","index":0}\n{"word":"y","index":1}\n');
    await server.close();
  });

  it("documents the JSON array and both stream media types", async () => {
    const app = createApp(streamPredictor, { logLevel: "silent" });
    const doc = await (await app.request("/openapi.json")).json();
    const content = doc.paths["/predict"].post.responses["200"].content;
    expect(Object.keys(content)).toEqual([
      "application/json",
      "text/event-stream",
      "application/x-ndjson",
    ]);
    expect(content["application/json"].schema.type).toBe("array");
    await app.lifecycle.close();
  });
});
