import { OpenAPIHono } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { fixturePredictor } from "../test-support/fixture-predictor.js";
import { postJson } from "../test-support/post-json.js";
import { createApp } from "./app.js";

// The routes and middleware are tested beside their own files (routes/*.test.ts,
// middleware/*.test.ts); here, that createApp composes them from its options.
describe("createApp, composing API keys and rate limits", () => {
  it("protects predictions and metrics but leaves probes, docs and the UI open", async () => {
    const app = createApp(fixturePredictor, { logLevel: "silent", apiKeys: ["secret-key-1"] });
    await app.lifecycle.ready;
    expect((await postJson(app, "/predict", {})).status).toBe(401);
    expect((await app.request("/metrics")).status).toBe(401);
    expect(
      (await postJson(app, "/predict", {}, { authorization: "Bearer secret-key-1" })).status,
    ).toBe(200);
    for (const path of ["/health", "/health/ready", "/docs", "/ui", "/openapi.json", "/"]) {
      expect((await app.request(path)).status).toBe(200);
    }
    await app.lifecycle.close();
  });

  it("limits each client and answers 429 with Retry-After", async () => {
    const app = createApp(fixturePredictor, {
      logLevel: "silent",
      rateLimit: { requestsPerMinute: 60, burst: 2 },
    });
    await app.lifecycle.ready;
    const statuses = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await postJson(app, "/predict", {}, { "x-api-key": "client-a" })).status);
    expect(statuses).toEqual([200, 200, 429]);
    expect((await app.request("/health")).status).toBe(200);
    await app.lifecycle.close();
  });
});

describe("createApp, mounted in another app", () => {
  it("serves and documents its routes under the parent's path", async () => {
    const app = createApp(fixturePredictor, { logLevel: "silent" });
    await app.lifecycle.ready;
    const parent = new OpenAPIHono();
    parent.route("/models/echo", app);
    const res = await postJson(parent, "/models/echo/predict", { text: "hi" });
    expect(res.status).toBe(200);
    const doc = parent.getOpenAPI31Document({
      openapi: "3.1.0",
      info: { title: "t", version: "1" },
    });
    expect(Object.keys(doc.paths ?? {})).toContain("/models/echo/predict");
    await app.lifecycle.close();
  });
});
