import { describe, expect, it } from "vitest";
import { createApp, definePredictor, z } from "../../index.js";

const failing = definePredictor({
  name: "broken",
  input: z.object({}),
  output: z.object({}),
  setup(ctx) {
    ctx.log.info("loading /srv/secret/models/yolov5n.onnx");
    throw new Error("weights not found: /srv/secret/models/yolov5n.onnx");
  },
  predict: () => ({}),
});

describe("GET /health with exposeSetupDetails", () => {
  it("shows setup's logs and error by default", async () => {
    const app = createApp(failing, { logLevel: "silent" });
    await app.lifecycle.ready;
    const text = await (await app.request("/health")).text();
    expect(text).toContain("/srv/secret/models");
    await app.lifecycle.close();
  });

  it("names no server file when false, and still says that setup failed", async () => {
    const app = createApp(failing, { logLevel: "silent", exposeSetupDetails: false });
    await app.lifecycle.ready;
    const res = await app.request("/health");
    const text = await res.text();
    expect(text).not.toContain("/srv/secret");
    expect(JSON.parse(text)).toMatchObject({
      status: "SETUP_FAILED",
      setup: { status: "failed", logs: "", error: expect.stringContaining("server's log") },
    });
    // Nor does a prediction's 503.
    const refused = await app.request("/predict", { method: "POST", body: "{}" });
    expect(refused.status).toBe(503);
    expect(await refused.text()).not.toContain("/srv/secret");
    await app.lifecycle.close();
  });
});
