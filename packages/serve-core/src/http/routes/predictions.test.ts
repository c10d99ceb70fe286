import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixturePredictor } from "../../test-support/fixture-predictor.js";
import { postJson } from "../../test-support/post-json.js";
import { createApp, type ServekitApp } from "../app.js";

describe("POST /predictions", () => {
  let app: ServekitApp;

  beforeAll(async () => {
    app = createApp(fixturePredictor, { logLevel: "silent", predictTimeoutMs: 500 });
    await app.lifecycle.ready;
  });
  afterAll(() => app.lifecycle.close());

  it("wraps the output in Cog's envelope at POST /predictions", async () => {
    const res = await postJson(app, "/predictions", {
      id: "my-id",
      input: { text: "x", count: 3 },
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      id: "my-id",
      status: "succeeded",
      input: { text: "x", count: 3 },
      output: { text: "xxx" },
      error: null,
      logs: "predicting ok",
    });
    expect(body.metrics.predict_time).toBeGreaterThanOrEqual(0);
    for (const key of ["created_at", "started_at", "completed_at"])
      expect(Date.parse(body[key])).not.toBeNaN();
  });

  it("generates a prediction id when none is given", async () => {
    const body = await (await postJson(app, "/predictions", { input: {} })).json();
    expect(body.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("prefixes field paths with input. in the /predictions envelope", async () => {
    const res = await postJson(app, "/predictions", { input: { count: -1 } });
    expect(res.status).toBe(422);
    expect((await res.json()).error.details[0].path).toEqual(["input", "count"]);
  });

  it("reports a failed prediction inside the /predictions envelope, as Cog does", async () => {
    const res = await postJson(app, "/predictions", { input: { mode: "throw" } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "failed", output: null });
  });
});
