import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { definePredictor, z } from "../../index.js";
import { fixturePredictor } from "../../test-support/fixture-predictor.js";
import { postJson } from "../../test-support/post-json.js";
import { createApp, type ServekitApp } from "../app.js";

describe("GET /health", () => {
  let app: ServekitApp;

  beforeAll(async () => {
    app = createApp(fixturePredictor, { logLevel: "silent", predictTimeoutMs: 500 });
    await app.lifecycle.ready;
  });
  afterAll(() => app.lifecycle.close());

  it("reports READY with the setup logs in Cog's health shape", async () => {
    const body = await (await app.request("/health")).json();
    expect(body.status).toBe("READY");
    expect(body.setup).toMatchObject({ status: "succeeded", logs: "fixture setup running" });
    expect(Date.parse(body.setup.started_at)).toBeLessThanOrEqual(
      Date.parse(body.setup.completed_at),
    );
    expect((await app.request("/health/live")).status).toBe(200);
    expect((await app.request("/health/ready")).status).toBe(200);
  });
});

describe("GET /health after a failing setup", () => {
  const failing = definePredictor({
    name: "broken",
    input: z.object({}),
    output: z.object({}),
    setup(ctx) {
      ctx.log.info("loading weights");
      throw new Error("weights not found: /models/missing.onnx");
    },
    predict: () => ({}),
  });

  it("reports SETUP_FAILED with the error and logs, and refuses predictions with 503", async () => {
    const app = createApp(failing, { logLevel: "silent" });
    await app.lifecycle.ready;
    const health = await (await app.request("/health")).json();
    expect(health).toMatchObject({
      status: "SETUP_FAILED",
      setup: {
        status: "failed",
        error: "weights not found: /models/missing.onnx",
        logs: "loading weights",
      },
    });
    expect((await app.request("/health/ready")).status).toBe(503);
    const res = await postJson(app, "/predict", {});
    expect(res.status).toBe(503);
    expect((await res.json()).error.message).toContain("setup failed");
  });
});

describe("GET /health while setup runs", () => {
  it("reports STARTING and 503 with Retry-After until setup finishes", async () => {
    let finish = () => {};
    const slow = definePredictor({
      name: "slow-setup",
      input: z.object({}),
      output: z.object({ ok: z.boolean() }),
      setup: () => new Promise<void>((resolve) => (finish = resolve)),
      predict: () => ({ ok: true }),
    });
    const app = createApp(slow, { logLevel: "silent" });
    expect((await (await app.request("/health")).json()).status).toBe("STARTING");
    const early = await postJson(app, "/predict", {});
    expect(early.status).toBe(503);
    expect(early.headers.get("retry-after")).toBe("1");
    expect((await app.request("/health/ready")).status).toBe(503);
    finish();
    await app.lifecycle.ready;
    expect((await postJson(app, "/predict", {})).status).toBe(200);
  });
});

describe("GET /health while every slot is busy", () => {
  it("says BUSY while every slot is taken, READY again after", async () => {
    let release = () => {};
    const gate = definePredictor({
      name: "gate",
      input: z.object({}),
      output: z.object({}),
      predict: () => new Promise<object>((resolve) => (release = () => resolve({}))),
    });
    const app = createApp(gate, { logLevel: "silent" });
    await app.lifecycle.ready;
    const pending = postJson(app, "/predict", {});
    await new Promise((r) => setTimeout(r, 20));
    expect((await (await app.request("/health")).json()).status).toBe("BUSY");
    expect((await app.request("/health/ready")).status).toBe(200);
    release();
    expect((await pending).status).toBe(200);
    expect((await (await app.request("/health")).json()).status).toBe("READY");
  });
});
