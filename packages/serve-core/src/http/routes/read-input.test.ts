import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import { afterEach, describe, expect, it } from "vitest";
import { definePredictor, z } from "../../index.js";
import { exposeGc } from "../../runtime/executor/young-collector.js";
import { buildApp } from "../app.js";

// A request's body as parsed must be garbage while its prediction runs: kept
// until the answer, it survived young collections and piled up in the HTTP
// thread's old generation under load (docs/production.md#memory).

const gc = exposeGc();

/** A predictor that keeps a weak reference to each body as read, and answers when told. */
function heldPredictor() {
  const bodies: WeakRef<object>[] = [];
  let started!: () => void;
  const running = new Promise<void>((resolve) => {
    started = resolve;
  });
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const predictor = definePredictor({
    name: "held",
    input: z.preprocess(
      (raw) => {
        if (typeof raw === "object" && raw !== null) bodies.push(new WeakRef(raw));
        return raw;
      },
      z.object({ text: z.string() }),
    ),
    output: z.object({ length: z.number() }),
    async predict({ text }) {
      started();
      await finished;
      return { length: text.length };
    },
  });
  return { predictor, bodies, running, finish };
}

let server: Server | undefined;
let closeApp: (() => Promise<void>) | undefined;
afterEach(async () => {
  server?.close();
  await closeApp?.();
});

describe("a prediction's body as read", () => {
  it.each([
    ["the fast path", {}],
    ["the Hono route (CORS on)", { cors: { origin: "*" } }],
  ])("can be collected while its prediction runs: %s", async (_, options) => {
    const held = heldPredictor();
    const { app, fastPredict } = buildApp([held.predictor], { ...options, logLevel: "silent" });
    closeApp = () => app.lifecycle.close();
    await app.lifecycle.ready;
    const hono = getRequestListener(app.fetch);
    server = createServer((req, res) => {
      if (!fastPredict(req, res)) void hono(req, res);
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const answer = fetch(`http://127.0.0.1:${port}/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text: "x".repeat(100_000) }),
    });
    await held.running;
    await new Promise((resolve) => setImmediate(resolve));
    gc!(); // a full collection
    expect(held.bodies).toHaveLength(1);
    expect(held.bodies[0]!.deref()).toBeUndefined();
    held.finish();
    const response = await answer;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ length: 100_000 });
  });
});
