import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cachePath, searchedPaths } from "./weights-location.js";

const file = { url: "https://e.com/v7/yolov5n.onnx", sha256: "AB".repeat(32) };

describe("cachePath", () => {
  it("is a content-addressed folder holding the file under its own name", () => {
    expect(cachePath(file, { cacheDir: "/c", offline: false })).toBe(
      join("/c", "weights", "sha256", "ab".repeat(32), "yolov5n.onnx"),
    );
  });
});

describe("searchedPaths", () => {
  it("lists the override folder, the project folder and the cache, skipping unset folders", () => {
    expect(
      searchedPaths(file, {
        overrideDir: "/o",
        projectDir: "/p/weights",
        cacheDir: "/c",
        offline: false,
      }),
    ).toEqual([
      join("/o", "yolov5n.onnx"),
      join("/p/weights", "yolov5n.onnx"),
      cachePath(file, { cacheDir: "/c", offline: false }),
    ]);
    expect(searchedPaths(file, { cacheDir: "/c", offline: false })).toHaveLength(1);
  });
});
