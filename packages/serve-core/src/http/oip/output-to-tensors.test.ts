import { z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { definePredictor } from "../../predictor.js";
import { OipError } from "./oip-error.js";
import { outputToTensors, requestedOutputs } from "./output-to-tensors.js";
import { oipSignature } from "./tensor-metadata.js";

function signatureOf(output: z.ZodType) {
  return oipSignature(
    definePredictor({ name: "m", input: z.object({}), output, predict: () => ({}) as never }),
  );
}

describe("outputToTensors", () => {
  const signature = signatureOf(
    z.object({
      label: z.string(),
      score: z.number(),
      count: z.number().int(),
      ok: z.boolean(),
      matrix: z.array(z.array(z.number())),
      detections: z.array(z.object({ label: z.string() })),
      note: z.string().optional(),
    }),
  );

  it("turns each output field into a tensor, arrays with their shape and row-major data", () => {
    const output = {
      label: "cat",
      score: 0.9,
      count: 2,
      ok: true,
      matrix: [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      detections: [{ label: "cat" }],
    };
    expect(outputToTensors(output, signature)).toEqual([
      {
        name: "label",
        datatype: "BYTES",
        shape: [1],
        data: ["cat"],
        parameters: { content_type: "str" },
      },
      { name: "score", datatype: "FP64", shape: [1], data: [0.9] },
      { name: "count", datatype: "INT64", shape: [1], data: [2] },
      { name: "ok", datatype: "BOOL", shape: [1], data: [true] },
      { name: "matrix", datatype: "FP64", shape: [3, 2], data: [1, 2, 3, 4, 5, 6] },
      {
        name: "detections",
        datatype: "BYTES",
        shape: [1],
        data: ['[{"label":"cat"}]'],
        parameters: { content_type: "json" },
      },
    ]);
  });

  it("sends a ragged array as its JSON text rather than a wrong shape", () => {
    const [matrix] = outputToTensors({ matrix: [[1], [2, 3]] }, signature, [signature.outputs[4]!]);
    expect(matrix).toEqual({
      name: "matrix",
      datatype: "BYTES",
      shape: [1],
      data: ["[[1],[2,3]]"],
      parameters: { content_type: "json" },
    });
  });

  it("gives an empty array the shape [0] and no data", () => {
    const only = signatureOf(z.object({ v: z.array(z.number()) }));
    expect(outputToTensors({ v: [] }, only)).toEqual([
      { name: "v", datatype: "FP64", shape: [0], data: [] },
    ]);
  });

  it("carries a non-object output whole, as the tensor named output", () => {
    expect(outputToTensors([0.1, 0.2], signatureOf(z.array(z.number())))).toEqual([
      { name: "output", datatype: "FP64", shape: [2], data: [0.1, 0.2] },
    ]);
    expect(outputToTensors({ a: 1 }, signatureOf(z.record(z.string(), z.number())))).toEqual([
      {
        name: "output",
        datatype: "BYTES",
        shape: [1],
        data: ['{"a":1}'],
        parameters: { content_type: "json" },
      },
    ]);
  });
});

describe("requestedOutputs", () => {
  const signature = signatureOf(z.object({ a: z.number(), b: z.string() }));

  it("keeps the outputs a request names, all of them when it names none", () => {
    expect(requestedOutputs(signature, undefined).map((f) => f.name)).toEqual(["a", "b"]);
    expect(requestedOutputs(signature, [{ name: "b" }]).map((f) => f.name)).toEqual(["b"]);
  });

  it("refuses an output the model does not have, listing those it has", () => {
    expect(() => requestedOutputs(signature, [{ name: "c" }])).toThrow(OipError);
    expect(() => requestedOutputs(signature, [{ name: "c" }])).toThrow(
      'unknown output "c"; this model\'s outputs are "a", "b"',
    );
  });
});
