import { Ajv } from "ajv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { definePredictor, file, type RunningServer, serve, z } from "../../index.js";
import {
  OIP_SCHEMA_DOCUMENT,
  type OipSchemaName,
  oipSchemaRef,
} from "../../test-support/oip-schemas.js";
import { createApp } from "../app.js";

const ajv = new Ajv({ allErrors: true });
ajv.addSchema(OIP_SCHEMA_DOCUMENT);

/** Fails with the validator's words when `body` is not the specification's `name` payload. */
function expectValid(name: OipSchemaName, body: unknown): void {
  const validate = ajv.getSchema(oipSchemaRef(name));
  if (!validate) throw new Error(`no schema ${name}`);
  const valid = validate(body);
  expect(valid, `${name}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body)}`).toBe(true);
}

describe("the protocol's JSON schemas", () => {
  it("reject what the specification does not allow, so passing them means something", () => {
    const validate = (name: OipSchemaName, body: unknown) =>
      ajv.getSchema(oipSchemaRef(name))?.(body);
    expect(validate("inference_error_response", { error: { code: "X", message: "m" } })).toBe(
      false,
    );
    expect(validate("metadata_model_response", { name: "m", inputs: [], outputs: [] })).toBe(false);
    expect(
      validate("inference_response", {
        model_name: "m",
        outputs: [{ name: "o", shape: [1], datatype: "FLOAT", data: [1] }],
      }),
    ).toBe(false);
    expect(
      validate("response_output", { name: "o", shape: [1], datatype: "FP64", data: [{ a: 1 }] }),
    ).toBe(false);
  });
});

function calculator(version: string) {
  return definePredictor({
    name: "calc",
    version,
    input: z.object({
      x: z.number().max(100),
      times: z.number().int().min(1).default(1),
      values: z.array(z.array(z.number()).length(2)).optional(),
      unit: z.enum(["m", "cm"]).optional(),
    }),
    output: z.object({
      total: z.number(),
      answered_by: z.string(),
      rows: z.array(z.array(z.number())),
      detail: z.object({ unit: z.string() }),
    }),
    predict: ({ x, times, values, unit }) => ({
      total: x * times + (values ?? []).flat().reduce((a, b) => a + b, 0),
      answered_by: version,
      rows: values ?? [],
      detail: { unit: unit ?? "m" },
    }),
  });
}

const sizer = definePredictor({
  name: "sizer",
  input: z.object({ doc: file() }),
  output: z.object({ bytes: z.number().int(), media_type: z.string() }),
  predict: ({ doc }) => ({ bytes: doc.data.byteLength, media_type: doc.mediaType }),
});

const blob = definePredictor({
  name: "blob",
  input: z.object({ box: z.object({ x: z.number() }) }),
  output: z.object({ ok: z.boolean() }),
  predict: () => ({ ok: true }),
});

describe("Open Inference Protocol routes over HTTP", () => {
  let server: RunningServer;
  const get = (path: string) => fetch(`${server.url}${path}`);
  const infer = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
  const x = (value: number) => ({ name: "x", shape: [1], datatype: "FP64", data: [value] });

  beforeAll(async () => {
    server = await serve([calculator("1"), calculator("2"), sizer, blob], {
      host: "127.0.0.1",
      port: 0,
      workers: 0,
      logLevel: "silent",
    });
    await server.ready;
  });
  afterAll(() => server.close());

  it("answers server metadata, liveness and readiness in the protocol's shapes", async () => {
    const metadata = await get("/v2");
    expect(metadata.status).toBe(200);
    expect((await get("/v2/")).status).toBe(200);
    const body = await metadata.json();
    expectValid("metadata_server_response", body);
    expect(body).toEqual({ name: "servekit", version: expect.any(String), extensions: [] });
    const live = await get("/v2/health/live");
    expect(live.status).toBe(200);
    expectValid("live_server_response", await live.json());
    const ready = await get("/v2/health/ready");
    expect(ready.status).toBe(200);
    const readyBody = await ready.json();
    expectValid("ready_server_response", readyBody);
    expect(readyBody.ready).toBe(true);
  });

  it("describes each model's tensors from its zod schemas, with every version it serves", async () => {
    const res = await get("/v2/models/calc");
    expect(res.status).toBe(200);
    const body = await res.json();
    expectValid("metadata_model_response", body);
    expect(body).toMatchObject({ name: "calc", versions: ["1", "2"], platform: "servekit" });
    expect(body.inputs).toEqual([
      { name: "x", datatype: "FP64", shape: [1] },
      { name: "times", datatype: "INT64", shape: [1], parameters: { optional: true } },
      { name: "values", datatype: "FP64", shape: [-1, 2], parameters: { optional: true } },
      {
        name: "unit",
        datatype: "BYTES",
        shape: [1],
        parameters: { content_type: "str", optional: true },
      },
    ]);
    expect(body.outputs.map((o: { datatype: string }) => o.datatype)).toEqual([
      "FP64",
      "BYTES",
      "FP64",
      "BYTES",
    ]);
    const versioned = await get("/v2/models/calc/versions/2");
    expectValid("metadata_model_response", await versioned.json());
    for (const path of ["/v2/models/calc/ready", "/v2/models/calc/versions/2/ready"]) {
      const ready = await get(path);
      expect(ready.status).toBe(200);
      const readyBody = await ready.json();
      expectValid("ready_model_response", readyBody);
      expect(readyBody).toEqual({ name: "calc", ready: true });
    }
  });

  it("runs inference through the traffic policy, or on the version in the path", async () => {
    const request = {
      id: "42",
      inputs: [
        x(2),
        { name: "times", shape: [1], datatype: "INT64", data: [3] },
        { name: "values", shape: [2, 2], datatype: "FP64", data: [1, 2, 3, 4] },
      ],
    };
    expectValid("inference_request", request);
    const res = await infer("/v2/models/calc/infer", request);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-model-version")).toBe("1");
    const body = await res.json();
    expectValid("inference_response", body);
    expect(body).toEqual({
      model_name: "calc",
      model_version: "1",
      id: "42",
      outputs: [
        { name: "total", datatype: "FP64", shape: [1], data: [16] },
        {
          name: "answered_by",
          datatype: "BYTES",
          shape: [1],
          data: ["1"],
          parameters: { content_type: "str" },
        },
        { name: "rows", datatype: "FP64", shape: [2, 2], data: [1, 2, 3, 4] },
        {
          name: "detail",
          datatype: "BYTES",
          shape: [1],
          data: ['{"unit":"m"}'],
          parameters: { content_type: "json" },
        },
      ],
    });
    const pinned = await infer("/v2/models/calc/versions/2/infer", {
      inputs: [x(1)],
      outputs: [{ name: "answered_by" }],
    });
    const pinnedBody = await pinned.json();
    expectValid("inference_response", pinnedBody);
    expect(pinnedBody).toMatchObject({
      model_version: "2",
      outputs: [{ name: "answered_by", data: ["2"] }],
    });
    // Without an id of its own, the answer carries the request's X-Request-Id.
    expect(pinnedBody.id).toBe(pinned.headers.get("x-request-id"));
  });

  it("follows a traffic change, and a routing key keeps a caller on one version", async () => {
    server.models.setTraffic("calc", { weights: { "1": 0, "2": 100 } });
    try {
      const moved = await (await infer("/v2/models/calc/infer", { inputs: [x(1)] })).json();
      expect(moved.model_version).toBe("2");
      server.models.setTraffic("calc", { weights: { "1": 50, "2": 50 } });
      const seen = new Set<string>();
      for (let i = 0; i < 6; i++) {
        const res = await infer(
          "/v2/models/calc/infer",
          { inputs: [x(1)] },
          { "x-routing-key": "user-7" },
        );
        seen.add((await res.json()).model_version);
      }
      expect(seen.size).toBe(1);
      // A shadow runs too, but never answers.
      server.models.setTraffic("calc", {
        weights: { "1": 100, "2": 0 },
        shadow: { version: "2", fraction: 1 },
      });
      const shadowed = await (await infer("/v2/models/calc/infer", { inputs: [x(1)] })).json();
      expect(shadowed).toMatchObject({
        model_version: "1",
        outputs: [{ name: "total" }, { name: "answered_by", data: ["1"] }, {}, {}],
      });
    } finally {
      server.models.setTraffic("calc", { weights: { "1": 100, "2": 0 }, shadow: null });
    }
  });

  it("answers a wrong datatype or shape with 400 naming the input", async () => {
    const datatype = await infer("/v2/models/calc/infer", {
      inputs: [{ name: "x", shape: [1], datatype: "FP32", data: [1] }],
    });
    expect(datatype.status).toBe(400);
    const datatypeBody = await datatype.json();
    expectValid("inference_error_response", datatypeBody);
    expect(datatypeBody.error).toBe('input "x" has datatype FP32; this model takes "x" (FP64 [1])');
    const shape = await infer("/v2/models/calc/infer", {
      inputs: [x(1), { name: "values", shape: [2, 3], datatype: "FP64", data: [1, 2, 3, 4, 5, 6] }],
    });
    expect(shape.status).toBe(400);
    const shapeBody = await shape.json();
    expectValid("inference_error_response", shapeBody);
    expect(shapeBody.error).toMatch(
      /^input "values" has shape \[2,3\]; this model takes "values" \(FP64 \[-1,2\]\)/,
    );
  });

  it("answers a schema violation with 400 naming the field, and a body that is no request with 400", async () => {
    const tooBig = await infer("/v2/models/calc/infer", { inputs: [x(1000)] });
    expect(tooBig.status).toBe(400);
    const tooBigBody = await tooBig.json();
    expectValid("inference_error_response", tooBigBody);
    expect(tooBigBody.error).toMatch(/^input "x": .*100/);
    const unit = await infer("/v2/models/calc/infer", {
      inputs: [x(1), { name: "unit", shape: [1], datatype: "BYTES", data: ["km"] }],
    });
    expect((await unit.json()).error).toMatch(/^input "unit": /);
    const notJson = await fetch(`${server.url}/v2/models/calc/infer`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{",
    });
    expect(notJson.status).toBe(400);
    expectValid("inference_error_response", await notJson.json());
    const noInputs = await infer("/v2/models/calc/infer", { id: "7" });
    expect(noInputs.status).toBe(400);
    expect((await noInputs.json()).error).toMatch(/inputs/);
  });

  it("answers an unknown model or version with 404 naming what exists", async () => {
    const model = await get("/v2/models/nope");
    expect(model.status).toBe(404);
    const modelBody = await model.json();
    expectValid("metadata_model_error_response", modelBody);
    expect(modelBody.error).toMatch(/no model nope; this server has calc, sizer, blob/);
    const inferred = await infer("/v2/models/nope/infer", { inputs: [x(1)] });
    expect(inferred.status).toBe(404);
    expectValid("inference_error_response", await inferred.json());
    const version = await get("/v2/models/calc/versions/9/ready");
    expect(version.status).toBe(404);
    expect((await version.json()).error).toMatch(/its versions are 1, 2/);
    const route = await get("/v2/nowhere");
    expect(route.status).toBe(404);
    expect(Object.keys(await route.json())).toEqual(["error"]);
  });

  it("says in the metadata why a model's input cannot map, and answers its infer 400", async () => {
    const metadata = await (await get("/v2/models/blob")).json();
    expectValid("metadata_model_response", metadata);
    expect(metadata.parameters.servekit_unmappable).toMatch(/`box` is an object/);
    const res = await infer("/v2/models/blob/infer", { inputs: [] });
    expect(res.status).toBe(400);
    const body = await res.json();
    expectValid("inference_error_response", body);
    expect(body.error).toMatch(/`box` is an object.*POST \/models\/\{name\}\/predict/);
  });

  it("takes a file input as BYTES holding base64 or a data: URL", async () => {
    const pdf = Buffer.from("%PDF-1.4 tiny");
    for (const data of [
      pdf.toString("base64"),
      `data:application/pdf;base64,${pdf.toString("base64")}`,
    ]) {
      const res = await infer("/v2/models/sizer/infer", {
        inputs: [{ name: "doc", shape: [1], datatype: "BYTES", data: [data] }],
      });
      expect(res.status).toBe(200);
      const body = await res.json();
      expectValid("inference_response", body);
      expect(body.outputs).toMatchObject([
        { name: "bytes", datatype: "INT64", data: [pdf.byteLength] },
        { name: "media_type", data: ["application/pdf"] },
      ]);
    }
    const notBase64 = await infer("/v2/models/sizer/infer", {
      inputs: [{ name: "doc", shape: [1], datatype: "BYTES", data: ["%%%"] }],
    });
    expect(notBase64.status).toBe(400);
    expect((await notBase64.json()).error).toMatch(/^input "doc": .*base64/);
  });

  it("reads a body curl -d sends without a JSON Content-Type", async () => {
    const res = await fetch(`${server.url}/v2/models/calc/infer`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: JSON.stringify({ inputs: [x(5)] }),
    });
    expect(res.status).toBe(200);
    expect((await res.json()).outputs[0].data).toEqual([5]);
  });
});

describe("Open Inference Protocol routes before setup has finished", () => {
  it("answers not ready with 503, and inference with 503 and Retry-After", async () => {
    let finish = () => {};
    const slow = definePredictor({
      name: "slow",
      input: z.object({ x: z.number() }),
      output: z.object({ x: z.number() }),
      setup: () => new Promise<void>((resolve) => (finish = resolve)),
      predict: ({ x }) => ({ x }),
    });
    const app = createApp(slow, { workers: 0, logLevel: "silent" });
    const ready = await app.request("/v2/health/ready");
    expect(ready.status).toBe(503);
    const readyBody = await ready.json();
    expectValid("ready_server_response", readyBody);
    expect(readyBody.ready).toBe(false);
    const model = await app.request("/v2/models/slow/ready");
    expect(model.status).toBe(503);
    expect(await model.json()).toEqual({ name: "slow", ready: false });
    const res = await app.request("/v2/models/slow/infer", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ inputs: [{ name: "x", shape: [1], datatype: "FP64", data: [1] }] }),
    });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).not.toBeNull();
    expectValid("inference_error_response", await res.json());
    finish();
    await app.lifecycle.ready;
    expect((await app.request("/v2/health/ready")).status).toBe(200);
    await app.lifecycle.close();
  });
});
