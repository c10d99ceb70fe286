import { createHash, randomBytes } from "node:crypto";
import sharp from "sharp";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createApp,
  definePredictor,
  type RunningServer,
  type ServekitApp,
  type ServeOptions,
  serve,
  z,
} from "../../index.js";
import { fixturePredictor } from "../../test-support/fixture-predictor.js";
import { makePng, pngHeaderClaiming } from "../../test-support/images.js";
import { postJson } from "../../test-support/post-json.js";
import { capturingLogger, RawConnection } from "../../test-support/raw-http.js";

/** Serves `predictor` on a loopback port with a logger the test can read. */
async function start(options: ServeOptions, predictor = fixturePredictor) {
  const { log, lines } = capturingLogger();
  const server = await serve(predictor, {
    host: "127.0.0.1",
    port: 0,
    handleSignals: false,
    logger: log,
    ...options,
  });
  return { server, lines };
}

function post(url: string, body: unknown) {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

const requestLines = (lines: Record<string, unknown>[]) => lines.filter((l) => l.msg === "request");

describe("admission of POST /predict and /predictions", () => {
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("refuses with 503 and Retry-After before the body arrives when every slot and queue place is taken, logged as a warning", async () => {
    const started = await start({ maxConcurrency: 1, maxQueue: 0 });
    server = started.server;
    await server.ready;
    const busy = post(`${server.url}/predict`, { sleep_ms: 1_500 });
    await new Promise((r) => setTimeout(r, 200));
    for (const path of ["/predict", "/predictions"]) {
      const connection = await RawConnection.open(server.url);
      // 10 MB declared, 10 bytes sent: only a refusal that reads nothing can answer now.
      connection.startPost(path, 10_000_000);
      connection.write('{"text":"x');
      const refused = await connection.response(1_000);
      expect(refused.status).toBe(503);
      // (1 running + 0 queued + 1) × 1 s: nothing has finished yet to say how long one takes.
      expect(refused.headers["retry-after"]).toBe("2");
      expect(JSON.parse(refused.body).error.code).toBe("OVERLOADED");
      connection.destroy();
    }
    expect((await busy).status).toBe(200);
    const refusals = requestLines(started.lines).filter((l) => l.status === 503);
    expect(refusals).toHaveLength(2);
    expect(refusals.every((l) => l.level === 40)).toBe(true);
    expect(started.lines.filter((l) => (l.level as number) >= 50)).toEqual([]);
  });

  it("keeps a keep-alive connection usable after refusing a request whose body it did not read", async () => {
    ({ server } = await start({ maxConcurrency: 1, maxQueue: 0 }));
    await server.ready;
    const busy = post(`${server.url}/predict`, { sleep_ms: 500 });
    await new Promise((r) => setTimeout(r, 150));
    const connection = await RawConnection.open(server.url);
    const body = JSON.stringify({ text: "first" });
    connection.startPost("/predict", Buffer.byteLength(body));
    connection.write(body);
    expect((await connection.response()).status).toBe(503);
    await busy;
    const again = JSON.stringify({ text: "second" });
    connection.startPost("/predict", Buffer.byteLength(again));
    connection.write(again);
    const answered = await connection.response();
    expect(answered.status).toBe(200);
    expect(JSON.parse(answered.body).text).toBe("second");
    connection.destroy();
  });

  it("counts queue time from the request's arrival, not from when its body was read", async () => {
    ({ server } = await start({ maxConcurrency: 1, maxQueue: 4, queueTimeoutMs: 1_000 }));
    await server.ready;
    const busy = post(`${server.url}/predict`, { sleep_ms: 3_000 });
    await new Promise((r) => setTimeout(r, 100));
    const body = JSON.stringify({ text: "slow body" });
    const connection = await RawConnection.open(server.url);
    const arrived = performance.now();
    connection.startPost("/predict", Buffer.byteLength(body));
    connection.write(body.slice(0, 4));
    await new Promise((r) => setTimeout(r, 800));
    connection.write(body.slice(4));
    const refused = await connection.response(3_000);
    const waited = performance.now() - arrived;
    expect(refused.status).toBe(503);
    // 1 000 ms from arrival; counting from the end of the body it would be ~1 800 ms.
    expect(waited).toBeLessThan(1_500);
    connection.destroy();
    await busy;
  });

  it("logs a probe's 503 during setup at info, not error", async () => {
    let finishSetup = () => {};
    const slowSetup = definePredictor({
      name: "slow-setup",
      input: z.object({}),
      output: z.object({}),
      setup: () => new Promise<void>((resolve) => (finishSetup = resolve)),
      predict: () => ({}),
    });
    const started = await start({}, slowSetup);
    server = started.server;
    expect((await fetch(`${server.url}/health/ready`)).status).toBe(503);
    expect((await post(`${server.url}/predict`, {})).status).toBe(503);
    finishSetup();
    await server.ready;
    const lines = requestLines(started.lines);
    expect(lines.find((l) => l.path === "/health/ready")).toMatchObject({ status: 503, level: 30 });
    expect(lines.find((l) => l.path === "/predict")).toMatchObject({ status: 503, level: 40 });
  });
});

describe("POST /predict, in-process", () => {
  let app: ServekitApp;
  let png: Buffer;

  beforeAll(async () => {
    app = createApp(fixturePredictor, { logLevel: "silent", predictTimeoutMs: 500 });
    await app.lifecycle.ready;
    png = await makePng();
  });
  afterAll(() => app.lifecycle.close());

  it("answers POST /predict with the output, defaults applied", async () => {
    const res = await postJson(app, "/predict", { text: "ab", count: 2 });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ text: "abab", worker: 0, aborted: false });
    expect(res.headers.get("server-timing")).toMatch(
      /^read;dur=[\d.]+, validate;dur=[\d.]+, queue;dur=[\d.]+, predict;dur=[\d.]+$/,
    );
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

  it("rejects malformed JSON with 400", async () => {
    const res = await app.request("/predict", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"text": "unterminated',
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe("MALFORMED_REQUEST");
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
