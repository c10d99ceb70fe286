import { definePredictor, image, z } from "@servekit/core";
import { describe, expect, it } from "vitest";
import {
  fieldsFromJsonSchema,
  fieldsFromPredictor,
  inputToJson,
  parseInputArgs,
} from "./input-args.js";
import { splitTarget } from "./load-target.js";

const predictor = definePredictor({
  name: "args",
  input: z.object({
    label: z.string(),
    n: z.number(),
    on: z.boolean(),
    pick: z.enum(["a", "b"]),
    list: z.array(z.number()),
    photo: image().optional(),
  }),
  output: z.object({}),
  predict: () => ({}),
});

describe("parseInputArgs", () => {
  it("coerces values through the zod schema and keeps strings that look like numbers as strings", async () => {
    const input = await parseInputArgs(
      ["label=007", "n=0.5", "on=true", "pick=b", "list=[1,2]"],
      fieldsFromPredictor(predictor),
    );
    expect(input).toEqual({ label: "007", n: 0.5, on: true, pick: "b", list: [1, 2] });
  });

  it("coerces through an OpenAPI JSON Schema the same way", async () => {
    const fields = fieldsFromJsonSchema({
      properties: {
        label: { type: "string" },
        n: { type: "number" },
        pick: { type: "string", enum: ["a", "b"] },
        photo: { type: "string", contentEncoding: "base64" },
      },
    });
    expect(await parseInputArgs(["label=007", "n=3", "pick=a"], fields)).toEqual({
      label: "007",
      n: 3,
      pick: "a",
    });
    expect(fields.isFile("photo")).toBe(true);
  });

  it("reads @path into bytes for file fields only, and sends them as base64", async () => {
    const input = await parseInputArgs(
      ["photo=@package.json", "label=@literal"],
      fieldsFromPredictor(predictor),
    );
    expect(input.photo).toBeInstanceOf(Uint8Array);
    expect(input.label).toBe("@literal");
    const json = JSON.parse(inputToJson(input));
    expect(Buffer.from(json.photo, "base64").toString()).toContain('"name"');
  });

  it("rejects unknown, repeated and malformed pairs as usage errors", async () => {
    const fields = fieldsFromPredictor(predictor);
    await expect(parseInputArgs(["nope=1"], fields)).rejects.toMatchObject({ exitCode: 2 });
    await expect(parseInputArgs(["n=1", "n=2"], fields)).rejects.toThrow("given twice");
    await expect(parseInputArgs(["=1"], fields)).rejects.toThrow("key=value");
  });
});

describe("splitTarget", () => {
  it("separates an export name but not a Windows drive or a path with colons in folders", () => {
    expect(splitTarget("model.ts:detector")).toEqual({ path: "model.ts", exportName: "detector" });
    expect(splitTarget("model.ts")).toEqual({ path: "model.ts", exportName: undefined });
    expect(splitTarget("C:\\models\\a.ts")).toEqual({
      path: "C:\\models\\a.ts",
      exportName: undefined,
    });
    expect(splitTarget("a:b/c.ts")).toEqual({ path: "a:b/c.ts", exportName: undefined });
  });
});
