import { describe, expect, it } from "vitest";
import { compiledPathOf, relativeImports, rewriteTypeScriptImports } from "./output-path.js";

describe("compiledPathOf", () => {
  it("keeps the folder tree and swaps the extension", () => {
    expect(compiledPathOf("src/predictor.ts")).toBe("src/predictor.js");
    expect(compiledPathOf("src/ui/view.tsx")).toBe("src/ui/view.js");
    expect(compiledPathOf("serve.config.mts")).toBe("serve.config.mjs");
    expect(compiledPathOf("src/a.ts.ts")).toBe("src/a.ts.js");
  });
});

describe("rewriteTypeScriptImports", () => {
  it("points relative .ts imports at the compiled files, and leaves the rest", () => {
    const code = [
      'import { a } from "./a.ts";',
      "import '../b.mts';",
      'export * from "./c/d.tsx";',
      'const e = await import("./e.ts");',
      'import { f } from "./f.js";',
      'import { g } from "pkg/g.ts";',
      'const s = "./not-an-import.ts";',
    ].join("\n");
    expect(rewriteTypeScriptImports(code).split("\n")).toEqual([
      'import { a } from "./a.js";',
      "import '../b.mjs';",
      'export * from "./c/d.js";',
      'const e = await import("./e.js");',
      'import { f } from "./f.js";',
      'import { g } from "pkg/g.ts";',
      'const s = "./not-an-import.ts";',
    ]);
  });
});

describe("relativeImports", () => {
  it("lists each relative specifier once, static and dynamic, not packages", () => {
    const code =
      'import { a } from "./a.js";\nexport { b } from "../b.js";\nawait import("./a.js");\nimport "node:fs";';
    expect(relativeImports(code)).toEqual(["./a.js", "../b.js"]);
  });
});
