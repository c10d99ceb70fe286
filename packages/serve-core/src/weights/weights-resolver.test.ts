import { createHash, randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startWeightsServer, type WeightsServer } from "./test-support/weights-server.js";
import type { WeightsDeclarations } from "./weights-declaration.js";
import { WeightsError } from "./weights-error.js";
import { cachePath } from "./weights-location.js";
import { createWeights } from "./weights-resolver.js";
import type { WeightsSettings } from "./weights-settings.js";

const body = randomBytes(4096);
const sha256 = createHash("sha256").update(body).digest("hex");

describe("createWeights", () => {
  let dir: string;
  let server: WeightsServer;
  let settings: WeightsSettings;
  let declarations: WeightsDeclarations;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "servekit-weights-"));
    server = await startWeightsServer({ files: { "/v1/yolov5n.onnx": body } });
    settings = {
      overrideDir: join(dir, "override"),
      projectDir: join(dir, "project", "weights"),
      cacheDir: join(dir, "cache"),
      offline: false,
    };
    declarations = { model: { url: server.url("/v1/yolov5n.onnx"), sha256, size: body.length } };
  });
  afterEach(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("downloads a missing file into the cache, then finds it there without the server", async () => {
    const lines: string[] = [];
    const log = {
      debug() {},
      info: (m: string | object) => lines.push(String(m)),
      warn() {},
      error() {},
    };
    const path = await createWeights({ declarations, settings, log }).path("model");
    expect(path).toBe(cachePath(declarations.model!, settings));
    expect(
      lines.some((line) => line.startsWith('downloading weights "model" (yolov5n.onnx)')),
    ).toBe(true);
    await server.close();
    const again = await createWeights({
      declarations,
      settings: { ...settings, offline: true },
    }).path("model");
    expect(again).toBe(path);
    expect(server.requests).toHaveLength(1);
  });

  it("prefers the override folder, then the project folder, over the cache", async () => {
    await mkdir(settings.projectDir!, { recursive: true });
    await writeFile(join(settings.projectDir!, "yolov5n.onnx"), body);
    expect(await createWeights({ declarations, settings }).path("model")).toBe(
      join(settings.projectDir!, "yolov5n.onnx"),
    );
    await mkdir(settings.overrideDir!, { recursive: true });
    await writeFile(join(settings.overrideDir!, "yolov5n.onnx"), body);
    expect(await createWeights({ declarations, settings }).path("model")).toBe(
      join(settings.overrideDir!, "yolov5n.onnx"),
    );
    expect(server.requests).toHaveLength(0);
  });

  it("refuses a local copy whose size differs from the declared size", async () => {
    await mkdir(settings.projectDir!, { recursive: true });
    const local = join(settings.projectDir!, "yolov5n.onnx");
    await writeFile(local, body.subarray(0, 100));
    const failure = await createWeights({ declarations, settings })
      .path("model")
      .catch((e) => e);
    expect(failure).toBeInstanceOf(WeightsError);
    expect(failure.message).toContain(
      `${local} has 100 bytes but the predictor declares size ${body.length}`,
    );
  });

  it("offline, names the missing file and every place it looked", async () => {
    const failure = await createWeights({ declarations, settings: { ...settings, offline: true } })
      .path("model")
      .catch((e) => e);
    expect(failure).toBeInstanceOf(WeightsError);
    expect(failure.message).toContain(
      'weights "model" (yolov5n.onnx) not found and SERVEKIT_OFFLINE is set',
    );
    for (const place of [
      join(settings.overrideDir!, "yolov5n.onnx"),
      join(settings.projectDir!, "yolov5n.onnx"),
      cachePath(declarations.model!, settings),
    ])
      expect(failure.message).toContain(place);
    expect(failure.message).toContain("unset SERVEKIT_OFFLINE");
    expect(server.requests).toHaveLength(0);
  });

  it("names the declared weights when asked for an undeclared one", async () => {
    const weights = createWeights({ declarations, settings });
    expect(weights.names).toEqual(["model"]);
    await expect(weights.path("modle")).rejects.toThrow(
      'weights "modle" is not declared; declared: "model"',
    );
  });
});
