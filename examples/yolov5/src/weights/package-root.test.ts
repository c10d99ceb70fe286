import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { findUp, packageRootOf } from "./package-root.js";

describe("findUp", () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "servekit-findup-"));
    await mkdir(join(root, "pkg", "src", "weights"), { recursive: true });
    await mkdir(join(root, "pkg", "dist"), { recursive: true });
    await writeFile(join(root, "pkg", "package.json"), "{}");
  });

  afterEach(() => rm(root, { recursive: true, force: true }));

  it("finds the package root from the sources and from a bundle alike", () => {
    expect(findUp(join(root, "pkg", "src", "weights"), "package.json")).toBe(join(root, "pkg"));
    expect(findUp(join(root, "pkg", "dist"), "package.json")).toBe(join(root, "pkg"));
  });

  it("returns undefined when no folder above has the marker", () => {
    expect(findUp(join(root, "pkg", "src"), "no-such-marker.yaml")).toBeUndefined();
  });
});

describe("packageRootOf", () => {
  it("is the parent of the nearest src/ or dist/ folder", () => {
    expect(packageRootOf("/repo/examples/yolov5/src/weights")).toBe("/repo/examples/yolov5");
    expect(packageRootOf("/repo/examples/yolov5/dist")).toBe("/repo/examples/yolov5");
    expect(packageRootOf("/app/dist/chunks")).toBe("/app");
  });

  it("falls back to the nearest package.json", async () => {
    const root = await mkdtemp(join(tmpdir(), "servekit-pkgroot-"));
    try {
      await mkdir(join(root, "pkg", "lib"), { recursive: true });
      await writeFile(join(root, "pkg", "package.json"), "{}");
      expect(packageRootOf(join(root, "pkg", "lib"))).toBe(join(root, "pkg"));
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
