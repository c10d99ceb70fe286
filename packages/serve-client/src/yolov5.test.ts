import { readFile } from "node:fs/promises";
import type { RunningServer } from "@servekit/core";
import { sharedPath } from "@servekit/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { predictor as yolov5 } from "../../../examples/yolov5/src/predictor.js";
import { createClient } from "./client.js";
import { startServer } from "./test-support/servers.js";

const BUS = sharedPath("images", "bus.jpg");

describe("the client against the YOLOv5 example", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer(yolov5, { workers: 1, weightsDir: sharedPath("models") });
  }, 120_000);
  afterAll(() => server?.close());

  const people = (detections: { label: string }[]) =>
    detections.filter((d) => d.label === "person").length;

  it("detects from a path and from a Buffer, the same", async () => {
    const client = createClient<typeof yolov5>({ baseUrl: server.url });
    const fromPath = await client.predict({ image: BUS, confidence: 0.5 });
    const fromBytes = await client.predict({ image: await readFile(BUS), confidence: 0.5 });
    expect(people(fromPath.detections)).toBeGreaterThanOrEqual(3);
    expect(fromBytes.detections).toEqual(fromPath.detections);
  });

  it("runs an async prediction with the image, and streams one output", async () => {
    const client = createClient<typeof yolov5>({ baseUrl: server.url });
    const done = await client.predictions.run({ image: BUS }, { intervalMs: 50 });
    expect(done.status).toBe("succeeded");
    expect(people(done.output!.detections)).toBeGreaterThanOrEqual(3);
    const items = [];
    for await (const item of client.stream({ image: new Blob([await readFile(BUS)]) }))
      items.push(item);
    expect(items).toHaveLength(1);
    expect(people(items[0]!.detections)).toBeGreaterThanOrEqual(3);
  });
});
