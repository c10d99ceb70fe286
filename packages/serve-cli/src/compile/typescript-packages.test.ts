import { describe, expect, it } from "vitest";
import { bareImports, packageNameOf, shipsTypeScript } from "./typescript-packages.js";

describe("packageNameOf", () => {
  it("names the package of a bare import, and nothing for paths and built-ins", () => {
    expect(packageNameOf("@servekit/example-yolov5/predictor")).toBe("@servekit/example-yolov5");
    expect(packageNameOf("sharp")).toBe("sharp");
    expect(packageNameOf("zod/v4")).toBe("zod");
    expect(packageNameOf("./a.js")).toBeUndefined();
    expect(packageNameOf("node:fs")).toBeUndefined();
  });
});

describe("shipsTypeScript", () => {
  it("is true when an entry is TypeScript source, false for JavaScript and declarations", () => {
    expect(shipsTypeScript({ exports: { "./predictor": "./src/predictor.ts" } })).toBe(true);
    expect(shipsTypeScript({ main: "index.mts" })).toBe(true);
    expect(
      shipsTypeScript({
        exports: { ".": { types: "./dist/index.d.ts", import: "./dist/index.js" } },
      }),
    ).toBe(false);
    expect(shipsTypeScript({})).toBe(false);
  });
});

describe("bareImports", () => {
  it("lists package imports, not relative ones", () => {
    const code =
      'import a from "pkg";\nimport { b } from "./b.js";\nconst c = await import("@s/c/sub");';
    expect(bareImports(code)).toEqual(["pkg", "@s/c/sub"]);
  });
});
