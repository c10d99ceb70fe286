import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { definePredictor, z } from "../../index.js";
import { openApiDocument } from "./openapi.js";
import { forClientGenerators } from "./openapi-for-generators.js";

const tagger = definePredictor({
  name: "tagger",
  input: z.object({
    text: z.string(),
    limit: z.number().int().default(5),
    options: z.object({ lowercase: z.boolean().default(true) }).optional(),
  }),
  output: z.object({ tags: z.array(z.string()) }),
  predict: () => ({ tags: [] }),
});

type Schema = Record<string, unknown> & { properties?: Record<string, Schema> };
interface Doc {
  paths: Record<
    string,
    Record<string, { requestBody?: { content: Record<string, { schema: Schema }> } }>
  >;
  components: { schemas: Record<string, Schema> };
}

const bodyOf = (doc: Doc, path: string, method = "post") =>
  doc.paths[path]?.[method]?.requestBody?.content["application/json"]?.schema;

describe("forClientGenerators", () => {
  it("writes a nullable reference (`output: Output | null`) as anyOf [$ref, {type: null}]", async () => {
    const doc = openApiDocument(tagger) as unknown as Doc;
    const output = doc.components.schemas.AsyncPrediction?.properties?.output;
    expect(output).toEqual({
      anyOf: [{ $ref: "#/components/schemas/Output" }, { type: "null" }],
    });
    expect(JSON.stringify(doc)).not.toContain('"type":["object","null"]}]');
    const validator = new Validator();
    const result = await validator.validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
  });

  it("puts request bodies inline, so a field with a default is not read as required", () => {
    const doc = openApiDocument(tagger) as unknown as Doc;
    const input = doc.components.schemas.Input;
    expect(input?.required).toEqual(["text"]);
    expect(bodyOf(doc, "/predict")).toEqual(input);
    expect(bodyOf(doc, "/predict")).not.toHaveProperty("$ref");
    // The Cog envelope's `input` is inline too, down to nested objects.
    expect(bodyOf(doc, "/predictions")?.properties?.input).toEqual(input);
    expect(bodyOf(doc, "/predictions/{id}", "put")?.properties?.input).toEqual(input);
    expect(JSON.stringify(bodyOf(doc, "/predictions"))).not.toContain("$ref");
    // Responses still name their components.
    expect(JSON.stringify(doc.paths["/predict"]?.post)).toContain("#/components/schemas/Output");
  });

  it("keeps a reference back into a recursive schema, and leaves the input document alone", () => {
    const generated = {
      paths: {
        "/tree": {
          post: {
            requestBody: {
              content: { "application/json": { schema: { $ref: "#/components/schemas/Node" } } },
            },
          },
        },
      },
      components: {
        schemas: {
          Node: {
            type: "object",
            properties: {
              children: { type: "array", items: { $ref: "#/components/schemas/Node" } },
            },
          },
        },
      },
    };
    const before = structuredClone(generated);
    const doc = forClientGenerators(generated) as unknown as Doc;
    expect(bodyOf(doc, "/tree")).toEqual({
      type: "object",
      properties: { children: { type: "array", items: { $ref: "#/components/schemas/Node" } } },
    });
    expect(generated).toEqual(before);
  });
});
