import { describe, expect, it } from "vitest";
import { encodeOnnxModel, type OnnxModelSpec } from "./onnx-model-writer.js";
import { loadOnnxRuntime, runRows } from "./test-support/onnxruntime.js";

/** y = x · W + b with W 2×3, over a dynamic batch. */
const linear: OnnxModelSpec = {
  producerName: "servekit-test",
  graphName: "linear",
  nodes: [
    { opType: "MatMul", inputs: ["x", "w"], outputs: ["xw"] },
    { opType: "Add", inputs: ["xw", "b"], outputs: ["y"] },
  ],
  initializers: [
    { name: "w", dims: [2, 3], values: Float32Array.of(1, 2, 3, 4, 5, 6) },
    { name: "b", dims: [3], values: Float32Array.of(0.5, -1, 100) },
  ],
  inputs: [{ name: "x", shape: ["n", 2] }],
  outputs: [{ name: "y", shape: ["n", 3] }],
};

describe("encodeOnnxModel", () => {
  it("writes a model onnxruntime loads, with the declared inputs and outputs", async () => {
    const session = await loadOnnxRuntime().InferenceSession.create(encodeOnnxModel(linear));
    expect(session.inputNames).toEqual(["x"]);
    expect(session.outputNames).toEqual(["y"]);
  });

  it("stores initializers row-major so the graph computes x · W + b for any batch size", async () => {
    const rows = await runRows(encodeOnnxModel(linear), { input: "x", output: "y" }, [
      [1, 0],
      [0, 1],
      [2, -1],
    ]);
    expect(rows).toEqual([
      [1.5, 1, 103],
      [4.5, 4, 106],
      [-1.5, -2, 100],
    ]);
  });

  it("is deterministic", () => {
    expect(encodeOnnxModel(linear)).toEqual(encodeOnnxModel(linear));
  });

  it("refuses an initializer whose values do not fill its dims", () => {
    const broken = {
      ...linear,
      initializers: [{ name: "w", dims: [2, 3], values: new Float32Array(5) }],
    };
    expect(() => encodeOnnxModel(broken)).toThrow(
      'initializer "w" has dims [2, 3] (6 values) but 5 values',
    );
  });
});
