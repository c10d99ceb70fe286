import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareBuildContext } from "../container/build-context.js";
import { loadTarget } from "../load-target.js";
import { imageWeights, targetImageWeights } from "./image-weights.js";
import type { PredictorWeights } from "./target-weights.js";
import {
  MODEL_BYTES,
  MODEL_SHA256,
  type WeightsProject,
  weightsProject,
} from "./test-support/weights-project.js";

const settings = { cacheDir: join(tmpdir(), "servekit-unused-cache"), offline: true };
const declared = (key: string, sha256: string): PredictorWeights => ({
  key,
  projectRoot: undefined,
  settings,
  declarations: { model: { url: `http://127.0.0.1:9/${key}/model.onnx`, sha256 } },
});

describe("imageWeights", () => {
  it("holds one file per name: two predictors declaring the same file share it", async () => {
    const files = await imageWeights(
      [declared("a@1", "ab".repeat(32)), declared("b@1", "ab".repeat(32))],
      {
        pull: false,
      },
    );
    expect(files).toEqual([
      { fileName: "model.onnx", declaredBy: "a@1 model", sha256: "ab".repeat(32) },
    ]);
  });

  it("refuses two different files under one name, saying to give one a file name of its own", async () => {
    await expect(
      imageWeights([declared("a@1", "ab".repeat(32)), declared("b@1", "cd".repeat(32))], {
        pull: false,
      }),
    ).rejects.toThrow(
      /a@1 model and b@1 model both declare a weights file named model\.onnx with different sha256: .*file: "model-model\.onnx"/,
    );
  });
});

describe("the weights layer of a target's image", () => {
  let project: WeightsProject;
  const saved = { ...process.env };
  beforeAll(async () => {
    project = await weightsProject();
    Object.assign(process.env, project.env);
  });
  afterAll(async () => {
    process.env = saved;
    await project.close();
  });

  it("pulls the declared files with progress and copies them into the context's weights/", async () => {
    const lines: string[] = [];
    const declaredWeights = await targetImageWeights({
      target: project.dir,
      pull: true,
      onLine: (line) => lines.push(line),
    });
    expect(lines[0]).toBe(`downloading model (76.0 KB) from ${project.server.url}model.bin`);
    expect(declaredWeights).toEqual([
      {
        fileName: "model.bin",
        declaredBy: "tiny@1.0 model",
        sha256: MODEL_SHA256,
        path: expect.stringContaining(project.cacheDir),
      },
    ]);
    const outDir = mkdtempSync(join(tmpdir(), "servekit-image-weights-"));
    try {
      const context = prepareBuildContext({
        loaded: await loadTarget(project.dir),
        outDir,
        port: 8000,
        declaredWeights,
      });
      expect(readFileSync(join(context.dir, "weights", "model.bin"))).toEqual(MODEL_BYTES);
      expect(readFileSync(context.dockerfile, "utf8")).toContain("COPY weights/ /srv/weights/");
      expect(existsSync(join(context.dir, "app", "predictor.ts"))).toBe(true);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  });

  it("lists the files without pulling for a Dockerfile preview", async () => {
    const requests = project.server.requests.length;
    const files = await targetImageWeights({
      target: join(project.dir, "predictor.ts"),
      pull: false,
    });
    expect(files).toEqual([
      { fileName: "model.bin", declaredBy: "tiny@1.0 model", sha256: MODEL_SHA256 },
    ]);
    expect(project.server.requests.length).toBe(requests);
  });
});
