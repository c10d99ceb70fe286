import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { definePredictor, z } from "../../index.js";
import { fixturePredictor } from "../../test-support/fixture-predictor.js";
import { createApp, type ServekitApp } from "../app.js";
import { honoPath } from "./hono-path.js";
import { openApiDocument } from "./openapi.js";

describe("GET /openapi.json", () => {
  let app: ServekitApp;

  beforeAll(async () => {
    app = createApp(fixturePredictor, { logLevel: "silent", predictTimeoutMs: 500 });
    await app.lifecycle.ready;
  });
  afterAll(() => app.lifecycle.close());

  it("publishes an OpenAPI 3.1 document that a validator accepts, with the input schema", async () => {
    const doc = await (await app.request("/openapi.json")).json();
    const validator = new Validator();
    const result = await validator.validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
    const input = doc.components.schemas.Input;
    expect(input.properties.count).toMatchObject({
      type: "integer",
      minimum: 0,
      maximum: 10,
      default: 1,
    });
    expect(input.properties.mode.enum).toContain("crash");
    expect(input.properties.text.description).toBe("Text to echo");
    expect(input.properties.image).toMatchObject({ type: "string", contentEncoding: "base64" });
    const predict = doc.paths["/predict"].post;
    expect(Object.keys(predict.requestBody.content)).toEqual([
      "application/json",
      "multipart/form-data",
    ]);
    expect(predict.requestBody.content["application/json"].examples.example1.value).toEqual({
      text: "hi",
      count: 2,
    });
    expect(Object.keys(predict.responses)).toEqual(
      expect.arrayContaining(["200", "413", "422", "500", "503", "504"]),
    );
    expect(doc.paths["/health"].get).toBeDefined();
  });
});

describe("GET /openapi.json with UI hints", () => {
  it("publishes a predictor's UI hints in the OpenAPI info", async () => {
    const hinted = definePredictor({
      name: "hinted",
      input: z.object({}),
      output: z.object({}),
      ui: { renderer: "detections", image: "photo" },
      predict: () => ({}),
    });
    const app = createApp(hinted, { logLevel: "silent" });
    const doc = await (await app.request("/openapi.json")).json();
    expect(doc.info["x-servekit-ui"]).toEqual({ renderer: "detections", image: "photo" });
    await app.lifecycle.close();
  });
});

describe("openApiDocument", () => {
  it("needs no app and no setup: a predictor whose setup never finishes still gets its document", () => {
    const neverReady = definePredictor({
      name: "never-ready",
      input: z.object({ text: z.string().describe("What to echo") }),
      output: z.object({ text: z.string() }),
      setup: () => new Promise<never>(() => {}),
      predict: ({ text }) => ({ text }),
    });
    const doc = openApiDocument(neverReady) as {
      info: { title: string };
      paths: Record<string, unknown>;
      components: { schemas: { Input: { properties: Record<string, unknown> } } };
    };
    expect(doc.info.title).toBe("never-ready");
    expect(doc.components.schemas.Input.properties.text).toMatchObject({
      description: "What to echo",
    });
    expect(Object.keys(doc.paths)).toContain("/predictions/{id}/cancel");
  });

  it("is the document the app serves, and leaves out /metrics when metrics are off", async () => {
    for (const metrics of [true, false]) {
      const app = createApp(fixturePredictor, { logLevel: "silent", metrics });
      const served = await (await app.request("/openapi.json")).json();
      const pure = openApiDocument(fixturePredictor, { metrics });
      expect(served).toEqual(JSON.parse(JSON.stringify(pure)));
      expect("/metrics" in (pure.paths as object)).toBe(metrics);
      await app.lifecycle.close();
    }
  });

  it("documents only routes the app answers (every path and method is routed)", async () => {
    const app = createApp(fixturePredictor, { logLevel: "silent" });
    await app.lifecycle.ready;
    const paths = openApiDocument(fixturePredictor).paths as Record<string, object>;
    for (const [path, methods] of Object.entries(paths)) {
      for (const method of Object.keys(methods)) {
        const url = honoPath(path).replace(":id", "no-such-id");
        const res = await app.request(url, {
          method: method.toUpperCase(),
          headers: { "content-type": "application/json" },
          ...(method === "get" ? {} : { body: "{}" }),
        });
        // An unknown prediction id is a 404 of its own, with its own message.
        const body = res.headers.get("content-type")?.includes("json") ? await res.json() : {};
        expect(body?.error?.message ?? "", `${method} ${path}`).not.toMatch(/^no route/i);
      }
    }
    await app.lifecycle.close();
  });
});
