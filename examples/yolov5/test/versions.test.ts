import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { freePort, type SpawnedServer, spawnServer, waitForReady } from "@servekit/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectMatches } from "./match-detections.js";
import type { ReferenceDetection } from "./reference.js";
import { sharedImagePath } from "./reference.js";

const VERSIONS_ENTRY = fileURLToPath(new URL("../src/versions.ts", import.meta.url));
const bus = readFileSync(sharedImagePath("bus.jpg"));

interface Detected {
  detections: ReferenceDetection[];
  model: string;
}

describe("the fp32 and fp16 weights as two versions of yolov5 (src/versions.ts, 1 worker each)", () => {
  let server: SpawnedServer;

  const predict = async (path: string, headers: Record<string, string> = {}) => {
    const form = new FormData();
    form.set("image", new Blob([bus], { type: "image/jpeg" }), "bus.jpg");
    const res = await fetch(`${server.url}${path}`, { method: "POST", body: form, headers });
    return { res, version: res.headers.get("x-model-version"), body: await res.json() };
  };

  beforeAll(async () => {
    // The entry exactly as `pnpm versions` runs it, with a pool of one worker per version.
    server = await spawnServer(
      ["--import", "tsx", VERSIONS_ENTRY],
      { PORT: String(await freePort()), WORKERS: "1", LOG_LEVEL: "info" },
      60_000,
    );
    await waitForReady(server.url, { child: server.child, timeoutMs: 60_000 });
  });
  afterAll(async () => {
    server?.child.kill("SIGTERM");
    await server?.exited;
  });

  it("lists both versions ready in GET /models, with all traffic on fp32", async () => {
    const res = await fetch(`${server.url}/models`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.default).toBe("yolov5");
    expect(body.models).toHaveLength(1);
    const [model] = body.models;
    expect(model.name).toBe("yolov5");
    expect(model.traffic.weights).toEqual({ fp32: 100, fp16: 0 });
    expect(
      model.versions.map((v: { version: string; ready: boolean; share: number }) => ({
        version: v.version,
        ready: v.ready,
        share: v.share,
      })),
    ).toEqual([
      { version: "fp32", ready: true, share: 1 },
      { version: "fp16", ready: true, share: 0 },
    ]);
  });

  it("answers /models/yolov5/versions/fp16/predict from the fp16 weights, agreeing with fp32", async () => {
    const half = await predict("/models/yolov5/versions/fp16/predict");
    const full = await predict("/models/yolov5/versions/fp32/predict");
    expect([half.res.status, full.res.status]).toEqual([200, 200]);
    expect(half.version).toBe("fp16");
    expect(full.version).toBe("fp32");
    expect((half.body as Detected).model).toBe("yolov5n-fp16");
    expect((full.body as Detected).model).toBe("yolov5n");
    expect((half.body as Detected).detections.length).toBeGreaterThanOrEqual(4);
    expectMatches((half.body as Detected).detections, (full.body as Detected).detections, {
      px: 3,
      confidence: 0.01,
    });
  });

  it("offers each version only its own weights in the `model` enum", async () => {
    const res = await fetch(`${server.url}/models/yolov5/versions/fp16/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ image: bus.toString("base64"), model: "yolov5n" }),
    });
    expect(res.status).toBe(422);
    const { error } = await res.json();
    expect(error.details.map((d: { path: string[] }) => d.path)).toEqual([["model"]]);
  });

  it("sends every request to fp32 under the default policy, whatever the routing key", async () => {
    const answered: (string | null)[] = [];
    for (const [i, path] of ["/predict", "/models/yolov5/predict"]
      .flatMap((p) => [p, p, p])
      .entries())
      answered.push((await predict(path, { "x-routing-key": `caller-${i}` })).version);
    expect(answered).toEqual(Array(6).fill("fp32"));
  });
});
