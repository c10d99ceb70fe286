import { createHash, randomBytes } from "node:crypto";
import { Validator } from "@seriousme/openapi-schema-validator";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, definePredictor, type ServekitApp, z } from "../index.js";
import { fixturePredictor } from "../test-support/fixture-predictor.js";
import { makePng, pngHeaderClaiming } from "../test-support/images.js";

function postJson(
  app: ServekitApp,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  return app.request(path, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

describe("createApp", () => {
  let app: ServekitApp;
  let png: Buffer;

  beforeAll(async () => {
    app = createApp(fixturePredictor, { logLevel: "silent", predictTimeoutMs: 500 });
    await app.lifecycle.ready;
    png = await makePng();
  });
  afterAll(() => app.lifecycle.close());

  it("describes itself at GET /", async () => {
    const res = await app.request("/");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      name: "fixture",
      version: "1.2.3",
      links: { docs: "/docs", openapi: "/openapi.json", health: "/health" },
    });
  });

  it("reports READY with the setup logs in Cog's health shape", async () => {
    const body = await (await app.request("/health")).json();
    expect(body.status).toBe("READY");
    expect(body.setup).toMatchObject({ status: "succeeded", logs: "fixture setup running" });
    expect(Date.parse(body.setup.started_at)).toBeLessThanOrEqual(
      Date.parse(body.setup.completed_at),
    );
    expect((await app.request("/health/live")).status).toBe(200);
    expect((await app.request("/health/ready")).status).toBe(200);
  });

  it("answers POST /predict with the output, defaults applied", async () => {
    const res = await postJson(app, "/predict", { text: "ab", count: 2 });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ text: "abab", worker: 0, aborted: false });
    expect(res.headers.get("server-timing")).toMatch(
      /^read;dur=[\d.]+, validate;dur=[\d.]+, queue;dur=[\d.]+, predict;dur=[\d.]+$/,
    );
  });

  it("wraps the output in Cog's envelope at POST /predictions", async () => {
    const res = await postJson(app, "/predictions", {
      id: "my-id",
      input: { text: "x", count: 3 },
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      id: "my-id",
      status: "succeeded",
      input: { text: "x", count: 3 },
      output: { text: "xxx" },
      error: null,
      logs: "predicting ok",
    });
    expect(body.metrics.predict_time).toBeGreaterThanOrEqual(0);
    for (const key of ["created_at", "started_at", "completed_at"])
      expect(Date.parse(body[key])).not.toBeNaN();
  });

  it("generates a prediction id when none is given", async () => {
    const body = await (await postJson(app, "/predictions", { input: {} })).json();
    expect(body.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("rejects schema violations with 422 naming every failing field", async () => {
    const res = await postJson(app, "/predict", { text: 5, count: 11, mode: "nope" });
    expect(res.status).toBe(422);
    const { error } = await res.json();
    expect(error.code).toBe("INVALID_INPUT");
    expect(error.details.map((d: { path: string[] }) => d.path.join("."))).toEqual([
      "text",
      "count",
      "mode",
    ]);
    expect(error.message).toContain("`count`");
  });

  it("prefixes field paths with input. in the /predictions envelope", async () => {
    const res = await postJson(app, "/predictions", { input: { count: -1 } });
    expect(res.status).toBe(422);
    expect((await res.json()).error.details[0].path).toEqual(["input", "count"]);
  });

  it("rejects malformed JSON with 400", async () => {
    const res = await app.request("/predict", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"text": "unterminated',
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe("MALFORMED_REQUEST");
  });

  it("rejects other media types with 415", async () => {
    const res = await app.request("/predict", {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "hello",
    });
    expect(res.status).toBe(415);
    expect((await res.json()).error.message).toContain("text/plain");
  });

  it("gives the same prediction for base64, a data URL and a multipart upload", async () => {
    const expected = createHash("sha256").update(png).digest("hex");
    const base64 = await (
      await postJson(app, "/predict", { image: png.toString("base64") })
    ).json();
    const dataUrl = await (
      await postJson(app, "/predict", { image: `data:image/png;base64,${png.toString("base64")}` })
    ).json();
    const form = new FormData();
    form.set("image", new Blob([png], { type: "image/png" }), "gradient.png");
    form.set("count", "2");
    const multipart = await (await app.request("/predict", { method: "POST", body: form })).json();
    expect(base64.image).toEqual({
      sha256: expected,
      width: 32,
      height: 24,
      media_type: "image/png",
    });
    expect(dataUrl).toEqual(base64);
    expect(multipart.image).toEqual(base64.image);
    expect(multipart.text).toBe("hellohello");
  });

  it("gives the same prediction for a large image in JSON (decoded from the body's bytes) and in multipart", async () => {
    const noise = await sharp(randomBytes(160 * 120 * 3), {
      raw: { width: 160, height: 120, channels: 3 },
    })
      .png()
      .toBuffer();
    expect(noise.toString("base64").length).toBeGreaterThan(32 * 1024);
    const json = await postJson(app, "/predict", { count: 2, image: noise.toString("base64") });
    const form = new FormData();
    form.set("image", new Blob([noise], { type: "image/png" }), "noise.png");
    form.set("count", "2");
    const multipart = await app.request("/predict", { method: "POST", body: form });
    const expected = {
      sha256: createHash("sha256").update(noise).digest("hex"),
      width: 160,
      height: 120,
      media_type: "image/png",
    };
    expect((await json.json()).image).toEqual(expected);
    expect((await multipart.json()).image).toEqual(expected);
  });

  it("takes a multipart image part sent with neither filename nor Content-Type from its bytes", async () => {
    const boundary = "XyZ";
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="image"\r\n\r\n`),
      png,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const res = await app.request("/predict", {
      method: "POST",
      headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
      body,
    });
    expect(res.status).toBe(200);
    expect((await res.json()).image).toEqual({
      sha256: createHash("sha256").update(png).digest("hex"),
      width: 32,
      height: 24,
      media_type: "image/png",
    });
  });

  it("reads a multipart body whose boundary has capitals, as browsers send it", async () => {
    const boundary = "----WebKitFormBoundaryQx7ZpT";
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="g.png"\r\nContent-Type: image/png\r\n\r\n`,
      ),
      png,
      Buffer.from(
        `\r\n--${boundary}\r\nContent-Disposition: form-data; name="count"\r\n\r\n3\r\n--${boundary}--\r\n`,
      ),
    ]);
    const res = await app.request("/predict", {
      method: "POST",
      headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
      body,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ text: "hellohellohello", image: { width: 32 } });
  });

  it("rejects bytes that are not an image with 422 on that field", async () => {
    const res = await postJson(app, "/predict", {
      image: Buffer.from("not an image at all").toString("base64"),
    });
    expect(res.status).toBe(422);
    const { error } = await res.json();
    expect(error.details[0]).toMatchObject({ path: ["image"] });
    expect(error.details[0].message).toContain("not an image");
  });

  it("reports an image's size as displayed, in every format its header is read", async () => {
    const pixels = sharp({ create: { width: 30, height: 20, channels: 3, background: "#808080" } });
    const cases: [Buffer, { width: number; height: number; media_type: string }][] = [
      // EXIF orientation 6: a quarter turn, so width and height swap.
      [
        await pixels.clone().jpeg().withMetadata({ orientation: 6 }).toBuffer(),
        { width: 20, height: 30, media_type: "image/jpeg" },
      ],
      [await pixels.clone().webp().toBuffer(), { width: 30, height: 20, media_type: "image/webp" }],
      [await pixels.clone().gif().toBuffer(), { width: 30, height: 20, media_type: "image/gif" }],
      [await pixels.clone().tiff().toBuffer(), { width: 30, height: 20, media_type: "image/tiff" }],
      // AVIF's header is read by sharp, not by the fast JavaScript path.
      [await pixels.clone().avif().toBuffer(), { width: 30, height: 20, media_type: "image/heif" }],
    ];
    for (const [bytes, expected] of cases) {
      const res = await postJson(app, "/predict", { image: bytes.toString("base64") });
      expect(res.status, expected.media_type).toBe(200);
      expect((await res.json()).image).toMatchObject(expected);
    }
  });

  it("refuses a format sharp cannot decode even when its header is readable (BMP)", async () => {
    const bmp = Buffer.alloc(58);
    bmp.write("BM", 0, "latin1");
    bmp.writeUInt32LE(58, 2);
    bmp.writeUInt32LE(54, 10);
    bmp.writeUInt32LE(40, 14);
    bmp.writeInt32LE(1, 18);
    bmp.writeInt32LE(1, 22);
    bmp.writeUInt16LE(1, 26);
    bmp.writeUInt16LE(24, 28);
    const res = await postJson(app, "/predict", { image: bmp.toString("base64") });
    expect(res.status).toBe(422);
    expect((await res.json()).error.details[0].message).toContain("not an image");
  });

  it("rejects a truncated image with 422", async () => {
    const truncated = png.subarray(0, 20);
    const res = await postJson(app, "/predict", { image: truncated.toString("base64") });
    expect(res.status).toBe(422);
  });

  it("rejects a pixel bomb from its header, before decoding", async () => {
    const bomb = pngHeaderClaiming(20_000, 20_000);
    const res = await postJson(app, "/predict", { image: bomb.toString("base64") });
    expect(res.status).toBe(422);
    expect((await res.json()).error.details[0].message).toMatch(/20000×20000 .*limit is 50\.0 MP/);
  });

  it("rejects invalid base64 and URLs with a message saying what to send", async () => {
    const bad = await postJson(app, "/predict", { image: "%%%not base64%%%" });
    expect(bad.status).toBe(422);
    expect((await bad.json()).error.message).toContain("base64");
    const url = await postJson(app, "/predict", { image: "http://169.254.169.254/latest" });
    expect((await url.json()).error.message).toContain("URLs are not fetched");
  });

  it("answers a predictor failure with 500 and no internals, then keeps serving", async () => {
    const res = await postJson(app, "/predict", { mode: "throw" }, { "x-request-id": "req-42" });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain("/secret/path");
    expect(text).not.toMatch(/at .*\.ts:\d+/);
    expect(JSON.parse(text).error).toMatchObject({
      code: "PREDICTION_FAILED",
      request_id: "req-42",
    });
    expect((await postJson(app, "/predict", {})).status).toBe(200);
  });

  it("reports a failed prediction inside the /predictions envelope, as Cog does", async () => {
    const res = await postJson(app, "/predictions", { input: { mode: "throw" } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "failed", output: null });
  });

  it("passes a predictor's own ServeError through with its status", async () => {
    const res = await postJson(app, "/predict", { mode: "client-error" });
    expect(res.status).toBe(422);
    expect((await res.json()).error.details).toEqual([
      { path: ["text"], message: "must not be 'forbidden'" },
    ]);
  });

  it("answers 500 when the predictor returns an output that breaks its schema", async () => {
    const res = await postJson(app, "/predict", { mode: "bad-output" });
    expect(res.status).toBe(500);
    expect((await res.json()).error.message).toContain("does not match its schema");
  });

  it("answers 504 when a prediction runs past the timeout", async () => {
    const res = await postJson(app, "/predict", { sleep_ms: 5_000 });
    expect(res.status).toBe(504);
    expect((await res.json()).error.code).toBe("TIMEOUT");
  });

  it("echoes the client's X-Request-Id, or makes one", async () => {
    const given = await app.request("/health", { headers: { "x-request-id": "abc-123" } });
    expect(given.headers.get("x-request-id")).toBe("abc-123");
    const made = await app.request("/health");
    expect(made.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("answers unknown routes with a JSON 404", async () => {
    const res = await app.request("/nope");
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe("NOT_FOUND");
  });

  it("serves interactive docs with their assets from the app itself", async () => {
    const page = await app.request("/docs");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("/openapi.json");
    expect(html).not.toMatch(/https?:\/\/(cdn|unpkg)/);
    const js = await app.request("/docs/swagger-ui-bundle.js");
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toContain("javascript");
  });

  it("answers 404, not 500, for asset names that are properties of every object", async () => {
    for (const path of [
      "/docs/constructor",
      "/docs/toString",
      "/ui/constructor",
      "/ui/__proto__",
    ]) {
      const res = await app.request(path);
      expect(res.status, path).toBe(404);
      expect((await res.json()).error.code).toBe("NOT_FOUND");
    }
  });

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

describe("createApp with a failing setup", () => {
  const failing = definePredictor({
    name: "broken",
    input: z.object({}),
    output: z.object({}),
    setup(ctx) {
      ctx.log.info("loading weights");
      throw new Error("weights not found: /models/missing.onnx");
    },
    predict: () => ({}),
  });

  it("reports SETUP_FAILED with the error and logs, and refuses predictions with 503", async () => {
    const app = createApp(failing, { logLevel: "silent" });
    await app.lifecycle.ready;
    const health = await (await app.request("/health")).json();
    expect(health).toMatchObject({
      status: "SETUP_FAILED",
      setup: {
        status: "failed",
        error: "weights not found: /models/missing.onnx",
        logs: "loading weights",
      },
    });
    expect((await app.request("/health/ready")).status).toBe(503);
    const res = await postJson(app, "/predict", {});
    expect(res.status).toBe(503);
    expect((await res.json()).error.message).toContain("setup failed");
  });
});

describe("createApp while setup runs", () => {
  it("reports STARTING and 503 with Retry-After until setup finishes", async () => {
    let finish = () => {};
    const slow = definePredictor({
      name: "slow-setup",
      input: z.object({}),
      output: z.object({ ok: z.boolean() }),
      setup: () => new Promise<void>((resolve) => (finish = resolve)),
      predict: () => ({ ok: true }),
    });
    const app = createApp(slow, { logLevel: "silent" });
    expect((await (await app.request("/health")).json()).status).toBe("STARTING");
    const early = await postJson(app, "/predict", {});
    expect(early.status).toBe(503);
    expect(early.headers.get("retry-after")).toBe("1");
    expect((await app.request("/health/ready")).status).toBe(503);
    finish();
    await app.lifecycle.ready;
    expect((await postJson(app, "/predict", {})).status).toBe(200);
  });
});

describe("timeouts", () => {
  it("aborts the predictor's signal when the prediction times out", async () => {
    let seen: AbortSignal | undefined;
    const waits = definePredictor({
      name: "waits",
      input: z.object({}),
      output: z.object({}),
      predict: (_input, ctx) => {
        seen = ctx.signal;
        return new Promise((_, reject) =>
          ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason)),
        );
      },
    });
    const app = createApp(waits, { logLevel: "silent", predictTimeoutMs: 50 });
    await app.lifecycle.ready;
    const res = await postJson(app, "/predict", {});
    expect(res.status).toBe(504);
    expect(seen?.aborted).toBe(true);
  });
});

describe("BUSY", () => {
  it("says BUSY while every slot is taken, READY again after", async () => {
    let release = () => {};
    const gate = definePredictor({
      name: "gate",
      input: z.object({}),
      output: z.object({}),
      predict: () => new Promise<object>((resolve) => (release = () => resolve({}))),
    });
    const app = createApp(gate, { logLevel: "silent" });
    await app.lifecycle.ready;
    const pending = postJson(app, "/predict", {});
    await new Promise((r) => setTimeout(r, 20));
    expect((await (await app.request("/health")).json()).status).toBe("BUSY");
    expect((await app.request("/health/ready")).status).toBe(200);
    release();
    expect((await pending).status).toBe(200);
    expect((await (await app.request("/health")).json()).status).toBe("READY");
  });
});

describe("CORS", () => {
  it("is off by default and answers preflights for the configured origin when on", async () => {
    const closed = createApp(fixturePredictor, { logLevel: "silent" });
    const plain = await closed.request("/health", { headers: { origin: "http://ui.example" } });
    expect(plain.headers.get("access-control-allow-origin")).toBeNull();
    await closed.lifecycle.close();

    const open = createApp(fixturePredictor, {
      logLevel: "silent",
      cors: { origin: "http://ui.example" },
    });
    const preflight = await open.request("/predict", {
      method: "OPTIONS",
      headers: {
        origin: "http://ui.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("http://ui.example");
    await open.lifecycle.close();
  });
});

describe("the /ui playground", () => {
  it("serves the page and its bundled assets from the app, and can be turned off", async () => {
    const app = createApp(fixturePredictor, { logLevel: "silent" });
    const page = await app.request("/ui");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('window.__SERVEKIT_UI__ = {"apiUrl":""}');
    expect(html).not.toMatch(/https?:\/\//);
    const js = await app.request("/ui/app.js");
    expect(js.status).toBe(200);
    expect((await js.text()).length).toBeGreaterThan(1000);
    expect((await app.request("/ui/app.css")).headers.get("content-type")).toContain("text/css");
    expect((await app.request("/ui/secrets.txt")).status).toBe(404);
    await app.lifecycle.close();

    const without = createApp(fixturePredictor, { logLevel: "silent", ui: false });
    expect((await without.request("/ui")).status).toBe(404);
    await without.lifecycle.close();
  });

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

describe("API keys and rate limits", () => {
  it("protects predictions and metrics but leaves probes, docs and the UI open", async () => {
    const app = createApp(fixturePredictor, { logLevel: "silent", apiKeys: ["secret-key-1"] });
    await app.lifecycle.ready;
    expect((await postJson(app, "/predict", {})).status).toBe(401);
    expect((await app.request("/metrics")).status).toBe(401);
    expect(
      (await postJson(app, "/predict", {}, { authorization: "Bearer secret-key-1" })).status,
    ).toBe(200);
    for (const path of ["/health", "/health/ready", "/docs", "/ui", "/openapi.json", "/"]) {
      expect((await app.request(path)).status).toBe(200);
    }
    await app.lifecycle.close();
  });

  it("limits each client and answers 429 with Retry-After", async () => {
    const app = createApp(fixturePredictor, {
      logLevel: "silent",
      rateLimit: { requestsPerMinute: 60, burst: 2 },
    });
    await app.lifecycle.ready;
    const statuses = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await postJson(app, "/predict", {}, { "x-api-key": "client-a" })).status);
    expect(statuses).toEqual([200, 200, 429]);
    expect((await app.request("/health")).status).toBe(200);
    await app.lifecycle.close();
  });
});
