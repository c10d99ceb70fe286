import { z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { file, image } from "../../input/file-input.js";
import { definePredictor } from "../../predictor.js";
import { describeTensor } from "./describe-tensor.js";
import { modelMetadata, oipSignature, unmappableReason } from "./tensor-metadata.js";

function predictorWith(input: z.ZodType, output: z.ZodType = z.object({})) {
  return definePredictor({ name: "m", input, output, predict: () => ({}) as never });
}

describe("describeTensor", () => {
  it("maps numbers to FP64, whole numbers to INT64, booleans to BOOL and strings and enums to BYTES, one value as [1]", () => {
    const cases: [z.ZodType, string][] = [
      [z.number().min(0).max(1), "FP64"],
      [z.number().int(), "INT64"],
      [z.int(), "INT64"],
      [z.boolean(), "BOOL"],
      [z.string(), "BYTES"],
      [z.enum(["a", "b"]), "BYTES"],
      [z.literal("only"), "BYTES"],
    ];
    for (const [schema, datatype] of cases) {
      expect(describeTensor("x", schema, "input")).toMatchObject({ datatype, shape: [1], rank: 0 });
    }
  });

  it("maps arrays to one dimension per level: -1 where any length goes, the length where the schema fixes it", () => {
    expect(describeTensor("v", z.array(z.number()), "input")).toMatchObject({
      datatype: "FP64",
      shape: [-1],
      rank: 1,
    });
    expect(
      describeTensor("m", z.array(z.array(z.number().int()).length(3)), "input"),
    ).toMatchObject({ datatype: "INT64", shape: [-1, 3], rank: 2 });
    expect(describeTensor("p", z.array(z.number()).min(2).max(2), "input")).toMatchObject({
      shape: [2],
    });
    expect(describeTensor("t", z.tuple([z.number(), z.number()]), "input")).toMatchObject({
      datatype: "FP64",
      shape: [2],
    });
  });

  it("maps file() and image() inputs to BYTES, and knows optional and defaulted inputs may be left out", () => {
    expect(describeTensor("photo", image(), "input")).toMatchObject({
      datatype: "BYTES",
      element: "file",
      optional: false,
    });
    expect(describeTensor("doc", file().optional(), "input")).toMatchObject({
      element: "file",
      optional: true,
    });
    expect(describeTensor("c", z.number().default(0.25), "input")).toMatchObject({
      datatype: "FP64",
      optional: true,
    });
  });

  it("says why an input field has no tensor form", () => {
    const object = describeTensor("box", z.object({ x: z.number() }), "input");
    expect(object).toEqual({
      name: "box",
      reason: expect.stringContaining("`box` is an object"),
      optional: false,
    });
    const rows = describeTensor("rows", z.array(z.object({ x: z.number() })), "input");
    expect(rows).toMatchObject({ reason: expect.stringContaining("items have no tensor form") });
    expect(describeTensor("u", z.union([z.string(), z.number()]), "input")).toMatchObject({
      reason: expect.stringContaining("union"),
    });
  });

  it("carries an output with no tensor form as BYTES holding JSON", () => {
    const detections = z.array(z.object({ label: z.string(), confidence: z.number() }));
    expect(describeTensor("detections", detections, "output")).toEqual({
      name: "detections",
      datatype: "BYTES",
      shape: [1],
      rank: 0,
      element: "json",
      optional: false,
    });
  });
});

describe("modelMetadata", () => {
  it("lists one tensor per input and output field, with how BYTES are read and which inputs are optional", () => {
    const predictor = predictorWith(
      z.object({
        image: image(),
        confidence: z.number().min(0).max(1).default(0.25),
        labels: z.array(z.string()).optional(),
      }),
      z.object({
        detections: z.array(z.object({ label: z.string() })),
        count: z.number().int(),
      }),
    );
    expect(modelMetadata({ name: "yolo", versions: ["1", "2"], predictor })).toEqual({
      name: "yolo",
      versions: ["1", "2"],
      platform: "servekit",
      inputs: [
        { name: "image", datatype: "BYTES", shape: [1], parameters: { content_type: "base64" } },
        { name: "confidence", datatype: "FP64", shape: [1], parameters: { optional: true } },
        {
          name: "labels",
          datatype: "BYTES",
          shape: [-1],
          parameters: { content_type: "str", optional: true },
        },
      ],
      outputs: [
        { name: "detections", datatype: "BYTES", shape: [1], parameters: { content_type: "json" } },
        { name: "count", datatype: "INT64", shape: [1] },
      ],
    });
  });

  it("gives a non-object output one tensor named output", () => {
    const signature = oipSignature(predictorWith(z.object({}), z.array(z.number())));
    expect(signature.wholeOutput).toBe(true);
    expect(signature.outputs).toMatchObject([{ name: "output", datatype: "FP64", shape: [-1] }]);
  });

  it("says in its parameters why an input cannot map", () => {
    const notAnObject = predictorWith(z.string());
    const metadata = modelMetadata({ name: "m", versions: ["1"], predictor: notAnObject });
    expect(metadata.parameters?.servekit_unmappable).toMatch(
      /input schema is a string, not an object/,
    );
    const nested = predictorWith(z.object({ n: z.number(), box: z.object({ x: z.number() }) }));
    const reason = unmappableReason(oipSignature(nested));
    expect(reason).toMatch(/`box` is an object/);
    expect(modelMetadata({ name: "m", versions: ["1"], predictor: nested }).inputs).toEqual([
      { name: "n", datatype: "FP64", shape: [1] },
    ]);
  });

  it("still maps a model whose optional inputs have no tensor form, leaving them out and saying so", () => {
    // YOLOv5's `classes`: ids or names, a union that no single datatype holds.
    const classes = z
      .array(z.union([z.number().int(), z.string()]))
      .min(1)
      .optional();
    const predictor = predictorWith(z.object({ image: image(), classes }));
    const signature = oipSignature(predictor);
    expect(unmappableReason(signature)).toBeUndefined();
    const metadata = modelMetadata({ name: "m", versions: ["1"], predictor });
    expect(metadata.inputs.map((t) => t.name)).toEqual(["image"]);
    expect(metadata.parameters).toEqual({
      servekit_omitted_inputs: expect.stringMatching(/^`classes` is an array whose items/),
    });
  });
});
