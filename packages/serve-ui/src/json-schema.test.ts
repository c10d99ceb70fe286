import { describe, expect, it } from "vitest";
import { fieldKind, requestBodySchema, resolveRef, validateField } from "./json-schema.js";

describe("fieldKind", () => {
  it("picks a control per schema", () => {
    expect(
      fieldKind({ type: "string", contentEncoding: "base64", contentMediaType: "image/*" }),
    ).toBe("image");
    expect(fieldKind({ type: "string", contentEncoding: "base64" })).toBe("file");
    expect(fieldKind({ type: "number", minimum: 0, maximum: 1 })).toBe("slider");
    expect(fieldKind({ type: "integer", minimum: 1 })).toBe("integer");
    expect(fieldKind({ type: "string", enum: ["a", "b"] })).toBe("enum");
    expect(fieldKind({ type: "boolean" })).toBe("boolean");
    expect(fieldKind({ type: "string" })).toBe("text");
    expect(fieldKind({ type: "array", items: {} })).toBe("json");
  });
});

describe("validateField", () => {
  it("mirrors the server's bounds, integers and required fields", () => {
    const confidence = { type: "number", minimum: 0, maximum: 1 };
    expect(validateField(confidence, "1.5", false)).toBe("must be ≤ 1");
    expect(validateField(confidence, "0.5", false)).toBeUndefined();
    expect(validateField({ type: "integer", minimum: 1 }, "2.5", false)).toBe(
      "must be a whole number",
    );
    expect(validateField({ type: "string" }, "", true)).toBe("required");
    expect(validateField({ type: "array" }, "[1,", false)).toMatch(/valid JSON/);
  });
});

describe("resolveRef", () => {
  it("follows local references", () => {
    const root = { components: { schemas: { Input: { type: "object" } } } };
    expect(resolveRef({ $ref: "#/components/schemas/Input" }, root)).toEqual({ type: "object" });
  });
});

describe("requestBodySchema", () => {
  it("finds an operation's input by its literal path, following $ref", () => {
    const input = { type: "object", properties: { text: { type: "string" } } };
    const doc = {
      paths: {
        "/models/echo/versions/2/predict": {
          post: {
            requestBody: {
              content: {
                "application/json": { schema: { $ref: "#/components/schemas/Input_echo_2" } },
              },
            },
          },
        },
      },
      components: { schemas: { Input_echo_2: input } },
    };
    expect(requestBodySchema(doc, "/models/echo/versions/2/predict")).toEqual(input);
    expect(requestBodySchema(doc, "/models/echo/versions/3/predict")).toBeUndefined();
  });
});
