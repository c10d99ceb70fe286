import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  examplePackageRoot,
  resolveLocations,
  resolveWeightsOptions,
  weightsUrl,
} from "./weights-options.js";

const here = fileURLToPath(new URL(".", import.meta.url));

describe("resolveWeightsOptions", () => {
  it("searches the example's weights folder, the shared models, then the cache by default", () => {
    const resolved = resolveWeightsOptions({ env: {} });
    const root = examplePackageRoot();
    expect(resolved.locations.map((l) => l.source)).toEqual(["example", "shared", "cache"]);
    expect(resolved.locations[0]?.dir).toBe(join(root, "weights"));
    expect(resolved.cacheDir).toBe(join(homedir(), ".cache", "servekit", "yolov5"));
    expect(resolved).toMatchObject({ download: true, baseUrl: undefined });
  });

  it("finds the shared models beside the repository", () => {
    const resolved = resolveLocations({ env: {} });
    const shared = resolved.locations.find((l) => l.source === "shared");
    expect(shared?.dir).toBe(resolve(here, "../../../../../shared/models"));
  });

  it("reads every folder and switch from the environment, as absolute paths", () => {
    const resolved = resolveWeightsOptions({
      env: {
        YOLOV5_WEIGHTS_DIR: "relative/weights",
        SERVEKIT_SHARED_DIR: "/data/shared",
        XDG_CACHE_HOME: "/xdg",
        YOLOV5_WEIGHTS_DOWNLOAD: "off",
        YOLOV5_WEIGHTS_URL: "http://127.0.0.1:8080/m/",
      },
    });
    expect(resolved.locations.map((l) => [l.source, l.dir])).toEqual([
      ["env", resolve("relative/weights")],
      ["example", join(examplePackageRoot(), "weights")],
      ["shared", "/data/shared/models"],
      ["cache", "/xdg/servekit/yolov5"],
    ]);
    expect(resolved.download).toBe(false);
    expect(resolved.baseUrl).toBe("http://127.0.0.1:8080/m/");
    expect(
      resolveLocations({ env: { YOLOV5_CACHE_DIR: "/c", XDG_CACHE_HOME: "/xdg" } }).cacheDir,
    ).toBe("/c");
  });

  it("rejects a base URL that is not http(s), saying what would be right", () => {
    expect(() => resolveWeightsOptions({ env: { YOLOV5_WEIGHTS_URL: "ftp://x/" } })).toThrow(
      'YOLOV5_WEIGHTS_URL must be an http(s) URL such as https://example.com/yolov5/, got "ftp://x/"',
    );
    expect(() => resolveWeightsOptions({ baseUrl: "models/" })).toThrow(/^baseUrl must be/);
  });
});

describe("weightsUrl", () => {
  it("appends the file name to the base URL, with or without a trailing slash", () => {
    const fallback = "https://example.com/default";
    expect(weightsUrl("yolov5n.onnx", "http://127.0.0.1:1/m", fallback)).toBe(
      "http://127.0.0.1:1/m/yolov5n.onnx",
    );
    expect(weightsUrl("yolov5n.onnx", "http://127.0.0.1:1/m/", fallback)).toBe(
      "http://127.0.0.1:1/m/yolov5n.onnx",
    );
    expect(weightsUrl("coco.names", undefined, fallback)).toBe(fallback);
  });
});

describe("examplePackageRoot", () => {
  it("is examples/yolov5, two folders above this module", () => {
    expect(examplePackageRoot()).toBe(resolve(here, "../.."));
  });
});
