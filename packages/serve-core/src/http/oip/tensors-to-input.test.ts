import { z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { image } from "../../input/file-input.js";
import { definePredictor } from "../../predictor.js";
import type { InferRequest } from "./infer-request.js";
import { parseInferRequest } from "./infer-request.js";
import { OipError } from "./oip-error.js";
import { oipSignature } from "./tensor-metadata.js";
import type { RequestInput } from "./tensor-types.js";
import { tensorsToInput } from "./tensors-to-input.js";

const signature = oipSignature(
  definePredictor({
    name: "m",
    input: z.object({
      x: z.number(),
      n: z.number().int().default(1),
      flag: z.boolean().optional(),
      label: z.enum(["cat", "dog"]).optional(),
      grid: z.array(z.array(z.number()).length(3)).optional(),
      photo: image().optional(),
      box: z.object({ x: z.number() }).optional(),
    }),
    output: z.object({}),
    predict: () => ({}),
  }),
);

function inputOf(...inputs: RequestInput[]) {
  return tensorsToInput({ inputs } satisfies InferRequest, signature);
}

function errorOf(run: () => unknown): OipError {
  try {
    run();
  } catch (error) {
    if (error instanceof OipError) return error;
    throw error;
  }
  throw new Error("expected an OipError");
}

describe("tensorsToInput", () => {
  it("turns shape [1] (or []) into one value and leaves optional inputs out", () => {
    expect(
      inputOf(
        { name: "x", shape: [1], datatype: "FP64", data: [0.5] },
        { name: "flag", shape: [], datatype: "BOOL", data: [true] },
        { name: "label", shape: [1], datatype: "BYTES", data: ["cat"] },
      ),
    ).toEqual({ x: 0.5, flag: true, label: "cat" });
  });

  it("reshapes flat row-major data, and takes the same data nested", () => {
    const flat = inputOf(
      { name: "x", shape: [1], datatype: "FP64", data: [1] },
      { name: "grid", shape: [2, 3], datatype: "FP64", data: [1, 2, 3, 4, 5, 6] },
    );
    expect(flat.grid).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const nested = inputOf(
      { name: "x", shape: [1], datatype: "FP64", data: [1] },
      {
        name: "grid",
        shape: [2, 3],
        datatype: "FP64",
        data: [
          [1, 2, 3],
          [4, 5, 6],
        ],
      },
    );
    expect(nested.grid).toEqual(flat.grid);
  });

  it("refuses a datatype other than the metadata's, naming the input", () => {
    const error = errorOf(() => inputOf({ name: "x", shape: [1], datatype: "FP32", data: [1] }));
    expect(error.status).toBe(400);
    expect(error.message).toBe('input "x" has datatype FP32; this model takes "x" (FP64 [1])');
  });

  it("refuses a shape other than the metadata's, naming the input", () => {
    const wrongRank = errorOf(() =>
      inputOf({ name: "x", shape: [2], datatype: "FP64", data: [1, 2] }),
    );
    expect(wrongRank.message).toMatch(/^input "x" has shape \[2\]/);
    const wrongDim = errorOf(() =>
      inputOf(
        { name: "x", shape: [1], datatype: "FP64", data: [1] },
        { name: "grid", shape: [2, 2], datatype: "FP64", data: [1, 2, 3, 4] },
      ),
    );
    expect(wrongDim.message).toBe(
      'input "grid" has shape [2,2]; this model takes "grid" (FP64 [-1,3]) (-1: any size)',
    );
  });

  it("refuses data that does not fill the shape, or elements of another type", () => {
    expect(
      errorOf(() => inputOf({ name: "x", shape: [1], datatype: "FP64", data: [1, 2] })).message,
    ).toBe('input "x": data holds 2 elements; shape [1] holds 1');
    expect(
      errorOf(() => inputOf({ name: "x", shape: [1], datatype: "FP64", data: ["1"] })).message,
    ).toBe('input "x": element 0 is "1"; FP64 data must be numbers');
    expect(
      errorOf(() =>
        inputOf(
          { name: "x", shape: [1], datatype: "FP64", data: [1] },
          { name: "n", shape: [1], datatype: "INT64", data: [1.5] },
        ),
      ).message,
    ).toMatch(/^input "n": element 0 is 1.5; INT64 data must be whole numbers/);
  });

  it("names unknown, repeated and missing inputs", () => {
    expect(
      errorOf(() => inputOf({ name: "y", shape: [1], datatype: "FP64", data: [1] })).message,
    ).toMatch(
      /^unknown input "y"; this model's inputs are "x" \(FP64 \[1\]\), "n" \(INT64 \[1\]\) optional/,
    );
    const x = { name: "x", shape: [1], datatype: "FP64", data: [1] };
    expect(errorOf(() => inputOf(x, x)).message).toMatch(/input "x" is given twice/);
    expect(errorOf(() => inputOf()).message).toBe('missing input "x" (FP64 [1])');
  });

  it("explains that an optional input with no tensor form must be left out", () => {
    const error = errorOf(() =>
      inputOf(
        { name: "x", shape: [1], datatype: "FP64", data: [1] },
        { name: "box", shape: [1], datatype: "BYTES", data: ['{"x":1}'] },
      ),
    );
    expect(error.message).toMatch(
      /^input "box" cannot be sent as a tensor: `box` is an object; .*leave it out \(it is optional\)/,
    );
  });

  it("refuses every request to a model whose input cannot map, saying why", () => {
    const unmappable = oipSignature(
      definePredictor({
        name: "u",
        input: z.object({ box: z.object({ x: z.number() }) }),
        output: z.object({}),
        predict: () => ({}),
      }),
    );
    const error = errorOf(() => tensorsToInput({ inputs: [] }, unmappable));
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/`box` is an object/);
  });
});

describe("parseInferRequest", () => {
  it("names where a body is not an inference request", () => {
    expect(() =>
      parseInferRequest({ inputs: [{ name: "x", shape: [-1], datatype: "FP64", data: [] }] }),
    ).toThrow(/inputs\[0\]\.shape\[0\]/);
    expect(() => parseInferRequest([])).toThrow(/not an inference request/);
  });
});
