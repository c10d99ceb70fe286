import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FileServer, serveBytes, startFileServer } from "@servekit/test-kit";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DownloadError } from "./download-error.js";
import { resolveLabels } from "./resolve-labels.js";
import { resolveWeights } from "./resolve-weights.js";
import { rejectionOf } from "./test-support/rejection-of.js";
import { WeightsNotFoundError } from "./weights-not-found-error.js";

const ENV_VARS = [
  "YOLOV5_WEIGHTS_DIR",
  "YOLOV5_CACHE_DIR",
  "YOLOV5_WEIGHTS_DOWNLOAD",
  "SERVEKIT_SHARED_DIR",
];

describe("resolveWeights", () => {
  let root: string;
  let dirs: { env: string; example: string; shared: string; cache: string };

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "servekit-weights-"));
    dirs = {
      env: join(root, "env"),
      example: join(root, "example"),
      shared: join(root, "shared", "models"),
      cache: join(root, "cache"),
    };
    for (const dir of Object.values(dirs)) await mkdir(dir, { recursive: true });
    for (const name of ENV_VARS) vi.stubEnv(name, undefined);
    // A guard: should a test forget its own URL, a download goes to a closed loopback port.
    vi.stubEnv("YOLOV5_WEIGHTS_URL", "http://127.0.0.1:9/");
    vi.stubEnv("YOLOV5_WEIGHTS_DIR", dirs.env);
    vi.stubEnv("SERVEKIT_SHARED_DIR", join(root, "shared"));
    vi.stubEnv("YOLOV5_CACHE_DIR", dirs.cache);
  });

  afterEach(async () => {
    vi.unstubAllEnvs();
    await rm(root, { recursive: true, force: true });
  });

  it("takes the first hit of: YOLOV5_WEIGHTS_DIR, example folder, shared models, cache", async () => {
    const order = ["env", "example", "shared", "cache"] as const;
    for (const source of order) await writeFile(join(dirs[source], "yolov5n.onnx"), source);
    for (const source of order) {
      const found = await resolveWeights("yolov5n", {
        exampleWeightsDir: dirs.example,
        download: false,
      });
      expect(found).toEqual({ path: join(dirs[source], "yolov5n.onnx"), source });
      await rm(found.path);
    }
  });

  it("resolves each file on its own", async () => {
    await writeFile(join(dirs.env, "yolov5n.onnx"), "");
    await writeFile(join(dirs.shared, "yolov5n-fp16.onnx"), "");
    await writeFile(join(dirs.cache, "coco.names"), "person\n");
    const options = { exampleWeightsDir: dirs.example, download: false };
    expect((await resolveWeights("yolov5n", options)).source).toBe("env");
    expect((await resolveWeights("yolov5n-fp16", options)).source).toBe("shared");
    expect((await resolveLabels(options)).source).toBe("cache");
  });

  it("lets options override the environment", async () => {
    const other = join(root, "other");
    await mkdir(other);
    await writeFile(join(other, "yolov5n.onnx"), "");
    await writeFile(join(dirs.env, "yolov5n.onnx"), "");
    const found = await resolveWeights("yolov5n", {
      weightsDir: other,
      exampleWeightsDir: dirs.example,
    });
    expect(found).toEqual({ path: join(other, "yolov5n.onnx"), source: "env" });
  });

  it("names every place searched, and the fixes, when a file is missing", async () => {
    vi.stubEnv("YOLOV5_WEIGHTS_DOWNLOAD", "0");
    const error = await rejectionOf(
      resolveWeights("yolov5n-fp16", { exampleWeightsDir: dirs.example }),
      WeightsNotFoundError,
    );
    for (const dir of Object.values(dirs)) {
      expect(error.message).toContain(join(dir, "yolov5n-fp16.onnx"));
    }
    expect(error.searched).toEqual(Object.values(dirs).map((d) => join(d, "yolov5n-fp16.onnx")));
    expect(error.message).toContain("download is disabled (YOLOV5_WEIGHTS_DOWNLOAD)");
    expect(error.message).toContain("set YOLOV5_WEIGHTS_DIR");
    expect(error.message).toContain(`put yolov5n-fp16.onnx in ${dirs.example}/`);
    expect(error.message).toContain("allow the download");
  });

  it("points out a searched folder that does not exist", async () => {
    vi.stubEnv("YOLOV5_WEIGHTS_DIR", join(root, "tpyo"));
    const error = await rejectionOf(
      resolveWeights("yolov5n", { exampleWeightsDir: dirs.example, download: false }),
      WeightsNotFoundError,
    );
    expect(error.message).toContain(
      `${join(root, "tpyo", "yolov5n.onnx")} (YOLOV5_WEIGHTS_DIR, folder does not exist)`,
    );
    expect(error.message).toContain(
      `${join(dirs.example, "yolov5n.onnx")} (example weights folder)\n`,
    );
    expect(error.message).toContain("download is disabled (option download: false)");
  });

  it("rejects an unreadable YOLOV5_WEIGHTS_DOWNLOAD value with the accepted ones", async () => {
    vi.stubEnv("YOLOV5_WEIGHTS_DOWNLOAD", "maybe");
    await expect(resolveWeights("yolov5n", { exampleWeightsDir: dirs.example })).rejects.toThrow(
      'YOLOV5_WEIGHTS_DOWNLOAD must be 1/true/yes/on or 0/false/no/off, got "maybe"',
    );
  });

  describe("download", () => {
    const model = Buffer.from("pretend onnx bytes ".repeat(5000));
    const sha256 = createHash("sha256").update(model).digest("hex");
    let server: FileServer;

    beforeEach(async () => {
      server = await startFileServer({ "/mirror/yolov5n.onnx": serveBytes(model, 4) });
      vi.stubEnv("YOLOV5_WEIGHTS_URL", `${server.url}mirror`);
    });

    afterEach(() => server.close());

    it("downloads a missing file into the cache once, then finds it there", async () => {
      const options = { exampleWeightsDir: dirs.example, sha256, progressBar: false };
      const first = await resolveWeights("yolov5n", options);
      expect(first).toEqual({ path: join(dirs.cache, "yolov5n.onnx"), source: "download" });
      expect((await readFile(first.path)).equals(model)).toBe(true);

      const second = await resolveWeights("yolov5n", options);
      expect(second).toEqual({ path: first.path, source: "cache" });
      expect(server.requests).toEqual(["/mirror/yolov5n.onnx"]);
    });

    it("checks downloads against KNOWN_WEIGHTS unless told otherwise", async () => {
      const error = await rejectionOf(
        resolveWeights("yolov5n", { exampleWeightsDir: dirs.example, progressBar: false }),
        WeightsNotFoundError,
      );
      expect(error.message).toContain("expected 01203d4258fb2dcf");
      expect(error.message).toContain(`got ${sha256}`);
      expect(error.cause).toBeInstanceOf(DownloadError);
      expect(await readdir(dirs.cache)).toEqual([]);
    });

    it("names the paths and the URL when the download fails", async () => {
      const error = await rejectionOf(
        resolveWeights("yolov5n-fp16", { exampleWeightsDir: dirs.example, progressBar: false }),
        WeightsNotFoundError,
      );
      expect(error.url).toBe(`${server.url}mirror/yolov5n-fp16.onnx`);
      expect(error.message).toContain(
        `Download failed: download of ${server.url}mirror/yolov5n-fp16.onnx failed: HTTP 404`,
      );
      expect(error.message).toContain(join(dirs.env, "yolov5n-fp16.onnx"));
      expect(await readdir(dirs.cache)).toEqual([]);
    });
  });
});
