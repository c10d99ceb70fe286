import { describe, expect, it } from "vitest";
import { pathPatterns, patternLines } from "./path-patterns.js";

describe("pathPatterns (.dockerignore semantics)", () => {
  it("anchors patterns at the root, as Docker does: *.md is a root file, **/*.md any depth", () => {
    const rootOnly = pathPatterns(["*.md"]);
    expect(rootOnly("README.md")).toBe(true);
    expect(rootOnly("docs/guide.md")).toBe(false);
    const anyDepth = pathPatterns(["**/*.md"]);
    expect(anyDepth("README.md")).toBe(true);
    expect(anyDepth("docs/deep/guide.md")).toBe(true);
  });

  it("matches everything inside a matched folder, with or without a trailing slash or leading ./", () => {
    for (const pattern of ["docs", "docs/", "./docs", "/docs"]) {
      expect(pathPatterns([pattern])("docs/a/b.txt"), pattern).toBe(true);
      expect(pathPatterns([pattern])("src/docs.ts"), pattern).toBe(false);
    }
  });

  it("lets a later ! pattern re-include, and the last match decide", () => {
    const ignored = pathPatterns(["docs", "!docs/api.md", "docs/api.md"]);
    expect(ignored("docs/api.md")).toBe(true);
    const kept = pathPatterns(["docs", "!docs/api.md"]);
    expect(kept("docs/api.md")).toBe(false);
    expect(kept("docs/guide.md")).toBe(true);
  });

  it("reads ?, character classes and escapes, and skips comments and blank lines", () => {
    const ignored = pathPatterns(patternLines("# notes\n\nfile?.txt\n[ab].js\n\\#hash\n"));
    expect(ignored("file1.txt")).toBe(true);
    expect(ignored("file10.txt")).toBe(false);
    expect(ignored("a.js")).toBe(true);
    expect(ignored("c.js")).toBe(false);
    expect(ignored("#hash")).toBe(true);
    expect(ignored("notes")).toBe(false);
  });

  it("treats regular-expression characters literally", () => {
    expect(pathPatterns(["a+b.(x)"])("a+b.(x)")).toBe(true);
    expect(pathPatterns(["a+b.(x)"])("aab.(x)")).toBe(false);
    expect(pathPatterns(["c++"])("c++/main.cc")).toBe(true);
  });
});
