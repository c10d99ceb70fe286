import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { availableModels } from "./available-models.js";

describe("availableModels", () => {
  let root: string;
  let options: {
    weightsDir: string;
    exampleWeightsDir: string;
    sharedModelsDir: string;
    cacheDir: string;
  };

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "servekit-available-"));
    options = {
      weightsDir: join(root, "env"),
      exampleWeightsDir: join(root, "example"),
      sharedModelsDir: join(root, "shared"),
      cacheDir: join(root, "cache"),
    };
    for (const dir of Object.values(options)) await mkdir(dir);
  });

  afterEach(() => rm(root, { recursive: true, force: true }));

  it("lists nothing when no weights are present, without downloading", async () => {
    expect(await availableModels({ ...options, env: {} })).toEqual([]);
  });

  it("lists the models found in any local place, in a stable order", async () => {
    await writeFile(join(options.cacheDir, "yolov5n-fp16.onnx"), "");
    expect(await availableModels({ ...options, env: {} })).toEqual(["yolov5n-fp16"]);
    await writeFile(join(options.exampleWeightsDir, "yolov5n.onnx"), "");
    expect(await availableModels({ ...options, env: {} })).toEqual(["yolov5n", "yolov5n-fp16"]);
  });

  it("reads the folders from the environment", async () => {
    await writeFile(join(options.weightsDir, "yolov5n.onnx"), "");
    const env = {
      YOLOV5_WEIGHTS_DIR: options.weightsDir,
      YOLOV5_CACHE_DIR: options.cacheDir,
      SERVEKIT_SHARED_DIR: join(root, "no-shared"),
    };
    const found = await availableModels({ exampleWeightsDir: options.exampleWeightsDir, env });
    expect(found).toEqual(["yolov5n"]);
  });
});
