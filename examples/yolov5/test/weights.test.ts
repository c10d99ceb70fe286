// The predictor gets its ONNX files through core's declared weights
// (ctx.weights.path): where they are looked for, and what a user sees when
// they are nowhere and downloading is off.
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createApp, type ServekitApp } from "@servekit/core";
import { sharedPath } from "@servekit/test-kit";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fp16, fp32 } from "../src/predictor.js";
import { MODEL_WEIGHTS } from "../src/weights.js";

const projectCopy = fileURLToPath(new URL("../weights/yolov5n.onnx", import.meta.url));

async function health(app: ServekitApp) {
  return (await app.request("/health")).json() as Promise<{
    status: string;
    setup: { logs: string; error?: string };
  }>;
}

describe("the YOLOv5 predictor's weights", () => {
  let dir: string;
  let app: ServekitApp | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "servekit-yolov5-weights-"));
    // An empty cache, whatever the machine's holds; vitest.config.ts sets SERVEKIT_OFFLINE=1.
    vi.stubEnv("SERVEKIT_CACHE_DIR", join(dir, "cache"));
  });
  afterEach(async () => {
    await app?.lifecycle.close();
    app = undefined;
    vi.unstubAllEnvs();
    rmSync(dir, { recursive: true, force: true });
  });

  it("declares, per version, only the file that version loads", () => {
    expect(fp32.weights).toEqual({ yolov5n: MODEL_WEIGHTS.yolov5n });
    expect(fp16.weights).toEqual({ "yolov5n-fp16": MODEL_WEIGHTS["yolov5n-fp16"] });
  });

  it.skipIf(existsSync(projectCopy))(
    "fails setup offline with nothing local, naming yolov5n.onnx and every place searched",
    async () => {
      const weightsDir = join(dir, "empty");
      mkdirSync(weightsDir);
      app = createApp(fp32, { workers: 0, logLevel: "silent", weightsDir });
      await app.lifecycle.ready;
      const report = await health(app);
      expect(report.status).toBe("SETUP_FAILED");
      expect(report.setup.error).toContain('weights "yolov5n" (yolov5n.onnx) not found');
      expect(report.setup.error).toContain(join(weightsDir, "yolov5n.onnx"));
      expect(report.setup.error).toContain(projectCopy);
      expect(report.setup.error).toContain(join(dir, "cache"));
      expect(report.setup.error).toContain("unset SERVEKIT_OFFLINE");
    },
  );

  it("loads the file from the weightsDir option", async () => {
    const weightsDir = join(dir, "mine");
    mkdirSync(weightsDir);
    symlinkSync(sharedPath("models", "yolov5n.onnx"), join(weightsDir, "yolov5n.onnx"));
    app = createApp(fp32, { workers: 0, logLevel: "silent", weightsDir });
    await app.lifecycle.ready;
    const report = await health(app);
    expect(report.status, report.setup.error).toBe("READY");
    expect(report.setup.logs).toContain(`loaded yolov5n from ${join(weightsDir, "yolov5n.onnx")}`);
  });
});
