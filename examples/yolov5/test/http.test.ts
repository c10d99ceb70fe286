import { readFileSync } from "node:fs";
import { type RunningServer, serve } from "@servekit/core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { predictor } from "../src/predictor.js";
import { referenceFor, sharedImagePath } from "./reference.js";

const bus = readFileSync(sharedImagePath("bus.jpg"));

describe("the YOLOv5 server over HTTP, with a pool of 2 workers", () => {
  let server: RunningServer;
  let url: string;

  const post = (body: unknown) =>
    fetch(`${url}/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    server = await serve(predictor, {
      host: "127.0.0.1",
      port: 0,
      workers: 2,
      logLevel: "silent",
      handleSignals: false,
    });
    url = server.url;
    await server.ready;
  });
  afterAll(() => server.close());

  it("is READY with both models loaded in each worker", async () => {
    const health = await (await fetch(`${url}/health`)).json();
    expect(health.status).toBe("READY");
    expect(health.setup.logs.match(/loaded yolov5n /g)).toHaveLength(2);
  });

  it("answers the seeds' request shape {model, image: base64} with detections and timings", async () => {
    const res = await post({ model: "yolov5n", image: bus.toString("base64") });
    expect(res.status).toBe(200);
    const out = await res.json();
    expect(out.detections.map((d: { label: string }) => d.label)).toEqual(
      referenceFor("bus.jpg", "yolov5n").detections.map((d) => d.label),
    );
    expect(out.timings_ms.total).toBeGreaterThan(0);
  });

  it("accepts a multipart upload with form fields", async () => {
    const form = new FormData();
    form.set("image", new Blob([bus], { type: "image/jpeg" }), "bus.jpg");
    form.set("confidence", "0.5");
    form.set("classes", '["person"]');
    const res = await fetch(`${url}/predict`, { method: "POST", body: form });
    expect(res.status).toBe(200);
    const out = await res.json();
    expect(out.detections.map((d: { label: string }) => d.label)).toEqual([
      "person",
      "person",
      "person",
    ]);
  });

  it("applies EXIF orientation, as OpenCV's imread does", async () => {
    // Pixels stored turned a quarter to the left, with EXIF saying "turn right to display".
    const stored = await sharp(bus).rotate(270).jpeg({ quality: 100 }).toBuffer();
    const tagged = await sharp(stored)
      .withMetadata({ orientation: 6 })
      .jpeg({ quality: 100 })
      .toBuffer();
    const out = await (await post({ image: tagged.toString("base64") })).json();
    expect(out.image).toEqual({ width: 810, height: 1080 });
    expect(out.detections.map((d: { label: string }) => d.label)).toEqual([
      "person",
      "person",
      "person",
      "bus",
    ]);
  });

  it("handles grayscale, alpha and 16-bit images", async () => {
    for (const variant of [
      sharp(bus).grayscale().jpeg(),
      sharp(bus).ensureAlpha(0.5).png(),
      sharp(bus).toColourspace("rgb16").png(),
    ]) {
      const res = await post({ image: (await variant.toBuffer()).toString("base64") });
      expect(res.status).toBe(200);
      expect((await res.json()).detections.length).toBeGreaterThan(0);
    }
  });

  it.each([
    ["not an image", { image: Buffer.from("hello, I am text").toString("base64") }, /not an image/],
    [
      "a truncated JPEG",
      { image: bus.subarray(0, 30_000).toString("base64") },
      /truncated|corrupt/,
    ],
    ["an unknown model", { image: bus.toString("base64"), model: "yolov9000" }, /model/],
    ["an unknown class", { image: bus.toString("base64"), classes: ["dragon"] }, /classes/],
    ["confidence above 1", { image: bus.toString("base64"), confidence: 1.5 }, /confidence/],
  ])("rejects %s with 422 and a clear message", async (_name, body, message) => {
    const res = await post(body);
    expect(res.status).toBe(422);
    expect((await res.json()).error.message).toMatch(message);
  });

  it("rejects a 1×1 image and a 20000×20000 header with 422, and keeps serving", async () => {
    const tiny = await sharp({ create: { width: 1, height: 1, channels: 3, background: "#fff" } })
      .png()
      .toBuffer();
    const tinyRes = await post({ image: tiny.toString("base64") });
    expect(tinyRes.status).toBe(422);
    expect((await tinyRes.json()).error.message).toContain("1×1");
    const header = Buffer.from(bus);
    // Rewrite the JPEG's SOF0 frame size to 20000×20000 without touching the data.
    const sof = header.indexOf(Buffer.from([0xff, 0xc0]));
    header.writeUInt16BE(20_000, sof + 5);
    header.writeUInt16BE(20_000, sof + 7);
    const bomb = await post({ image: header.toString("base64") });
    expect(bomb.status).toBe(422);
    expect((await bomb.json()).error.message).toContain("20000×20000");
    expect((await post({ image: bus.toString("base64") })).status).toBe(200);
  });

  it("documents the model enum and thresholds in OpenAPI", async () => {
    const doc = await (await fetch(`${url}/openapi.json`)).json();
    const input = doc.components.schemas.Input.properties;
    expect(input.model).toMatchObject({ enum: ["yolov5n", "yolov5n-fp16"], default: "yolov5n" });
    expect(input.confidence).toMatchObject({ minimum: 0, maximum: 1, default: 0.25 });
    expect(input.iou.default).toBe(0.45);
    expect(input.max_detections.default).toBe(1000);
  });
});
