import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type ServekitApp } from "../index.js";
import { writeTinyModel } from "../test-support/tiny-onnx-model.js";
import { tinyOnnxPredictor } from "../test-support/tiny-onnx-predictor.js";

describe.each([
  { mode: "inline", workers: 0 },
  { mode: "worker pool", workers: 2 },
])("a predictor running a tiny ONNX model ($mode)", ({ workers }) => {
  let model: Awaited<ReturnType<typeof writeTinyModel>>;
  let app: ServekitApp;

  beforeAll(async () => {
    model = await writeTinyModel({ op: "MatMul" });
    process.env.TINY_ONNX_MODEL = model.path;
    app = createApp(tinyOnnxPredictor, { workers, logLevel: "silent" });
    await app.lifecycle.ready;
  });
  afterAll(async () => {
    await app.lifecycle.close();
    await model.remove();
    delete process.env.TINY_ONNX_MODEL;
  });

  it("loads the model in setup and computes the right numbers for a batch", async () => {
    expect(app.lifecycle.health().status).toBe("READY");
    const rows = [
      [1, 2, 3, 4],
      [0.5, -1, 0, 2],
      [0, 0, 0, 0],
    ];
    const res = await app.request("/predict", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ rows }),
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.provider).toBe("cpu");
    const expected = model.model.expected(Float32Array.from(rows.flat()));
    const width = model.model.outputSize;
    rows.forEach((_, i) => {
      const want = Array.from(expected.subarray(i * width, (i + 1) * width));
      body.y[i].forEach((value: number, j: number) => {
        expect(value).toBeCloseTo(want[j]!, 5);
      });
    });
    expect(app.lifecycle.health().setup.logs).toContain("warm-up");
  });

  it("rejects a row of the wrong width with 422 naming it", async () => {
    const res = await app.request("/predict", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        rows: [
          [1, 2, 3, 4],
          [1, 2],
        ],
      }),
    });
    expect(res.status).toBe(422);
    expect((await res.json()).error.details[0].path).toEqual(["rows", 1]);
  });
});
