import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { cachePath, verifyWeightsFile, type WeightsSettings } from "@servekit/core";
import { sharedPath } from "@servekit/test-kit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { availableModels, MODEL_NAMES, MODEL_WEIGHTS, weightsOf } from "./weights.js";

describe("MODEL_WEIGHTS", () => {
  it.skipIf(!existsSync(sharedPath("models", "yolov5n.onnx")))(
    "matches the team's shared copies byte for byte",
    async () => {
      for (const name of MODEL_NAMES) {
        const file = MODEL_WEIGHTS[name];
        const checked = await verifyWeightsFile(sharedPath("models", file.file!), file);
        expect(checked, name).toEqual({ ok: true, sha256: file.sha256, size: file.size });
      }
    },
  );
});

describe("weightsOf", () => {
  it("declares only the models asked for", () => {
    expect(weightsOf(["yolov5n-fp16"])).toEqual({ "yolov5n-fp16": MODEL_WEIGHTS["yolov5n-fp16"] });
  });
});

describe("availableModels", () => {
  let root: string;
  let settings: WeightsSettings;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "servekit-yolov5-available-"));
    settings = {
      overrideDir: join(root, "override"),
      projectDir: join(root, "project"),
      cacheDir: join(root, "cache"),
      offline: true,
    };
    await mkdir(join(root, "override"));
    await mkdir(join(root, "project"));
  });

  afterEach(() => rm(root, { recursive: true, force: true }));

  it("lists nothing when no file is local, and creates nothing", async () => {
    expect(await availableModels(settings)).toEqual([]);
    expect(existsSync(settings.cacheDir)).toBe(false);
  });

  it("lists the models found in any local place, in a stable order", async () => {
    const fp16 = cachePath(MODEL_WEIGHTS["yolov5n-fp16"], settings);
    await mkdir(dirname(fp16), { recursive: true });
    await writeFile(fp16, "");
    expect(await availableModels(settings)).toEqual(["yolov5n-fp16"]);
    await writeFile(join(root, "project", "yolov5n.onnx"), Buffer.alloc(3_963_249));
    expect(await availableModels(settings)).toEqual(["yolov5n", "yolov5n-fp16"]);
  });

  it("counts a local copy of the wrong size as there, so setup reports it", async () => {
    await writeFile(join(root, "override", "yolov5n.onnx"), "not a model");
    expect(await availableModels(settings)).toEqual(["yolov5n"]);
  });
});
