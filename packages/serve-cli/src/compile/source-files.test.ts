import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isCompiledSource, isSearchedFolder, listSources } from "./source-files.js";

describe("isCompiledSource", () => {
  it("takes .ts, .mts and .tsx sources, not tests, declarations or JavaScript", () => {
    const taken = ["a.ts", "src/b.mts", "ui/c.tsx", "serve.config.ts", "test/helpers.ts"];
    const left = [
      "a.test.ts",
      "b.spec.ts",
      "c.spec.tsx",
      "types.d.ts",
      "d.d.mts",
      "e.js",
      "f.json",
    ];
    expect(taken.filter(isCompiledSource)).toEqual(taken);
    expect(left.filter(isCompiledSource)).toEqual([]);
  });
});

describe("isSearchedFolder", () => {
  it("skips node_modules and dot-folders, the build's own among them", () => {
    expect(["src", "test", "postprocess"].every(isSearchedFolder)).toBe(true);
    expect(["node_modules", ".servekit", ".git"].some(isSearchedFolder)).toBe(false);
  });
});

describe("listSources", () => {
  const dir = mkdtempSync(join(tmpdir(), "servekit-sources-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("lists a project's sources, sorted, relative to it, without what compile leaves out", () => {
    for (const file of [
      "serve.config.ts",
      "src/predictor.ts",
      "src/post/nms.ts",
      "src/predictor.test.ts",
      "src/types.d.ts",
      "src/plain.js",
      "node_modules/dep/index.ts",
      ".servekit/build/src/predictor.ts",
    ]) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), "");
    }
    expect(listSources(dir)).toEqual(["serve.config.ts", "src/post/nms.ts", "src/predictor.ts"]);
  });
});
