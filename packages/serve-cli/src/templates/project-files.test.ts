import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { irisModelBytes } from "./iris-model.js";
import { nextSteps } from "./next-steps.js";
import { projectFiles } from "./project-files.js";
import { TEMPLATE_NAMES } from "./project-templates.js";

const servekit = { core: "^0.3.1", cli: "^0.3.1" };
const text = (content: string | Uint8Array | undefined) => {
  if (typeof content !== "string") throw new TypeError("expected a text file");
  return content;
};

describe("projectFiles", () => {
  it.each(TEMPLATE_NAMES)(
    "%s: an ES module package with servekit as runtime dependencies",
    (template) => {
      const files = projectFiles({ name: "demo", template, servekit });
      const manifest = JSON.parse(text(files["package.json"]));
      expect(manifest).toMatchObject({
        name: "demo",
        type: "module",
        scripts: {
          start: "serve-cli run",
          predict: "serve-cli predict",
          test: "vitest run",
          "build:image": "serve-cli build",
        },
        dependencies: { "@servekit/core": "^0.3.1", "@servekit/cli": "^0.3.1" },
        engines: { node: ">=20" },
      });
      expect(Object.keys(manifest.devDependencies)).toEqual([
        "@types/node",
        "typescript",
        "vitest",
      ]);
      // The image's npm stage runs `npm run build` when package.json has a "build" script.
      expect(manifest.scripts.build).toBeUndefined();
      for (const file of [
        "predictor.ts",
        "serve.config.ts",
        "predictor.test.ts",
        "tsconfig.json",
      ]) {
        expect(files).toHaveProperty([file]);
      }
      expect(text(files["predictor.test.ts"])).toContain('from "@servekit/core/testing"');
      expect(text(files[".gitignore"])).toMatch(/^node_modules\/$/m);
      expect(text(files[".gitignore"])).toMatch(/^\.env$/m);
      expect(files).not.toHaveProperty([".npmrc"]);
    },
  );

  it.each(TEMPLATE_NAMES)("%s: the README's commands match the template", (template) => {
    const files = projectFiles({ name: "demo", template, servekit });
    const readme = text(files["README.md"]);
    const [cd, install, ...rest] = nextSteps({ dir: "demo", template });
    expect(cd).toBe("cd demo");
    expect(readme).toContain(install!.split("   #")[0]);
    for (const step of rest) expect(readme).toContain(step);
    expect(readme).toContain("npm run build:image");
    expect(readme).toContain("public npm registry");
  });

  it("keeps tests, installs and secrets out of the image, but not the model or .npmrc", () => {
    const ignored = text(projectFiles({ name: "demo", servekit })[".dockerignore"]).split("\n");
    expect(ignored).toEqual(
      expect.arrayContaining([
        "node_modules/",
        ".git/",
        "*.test.ts",
        "**/*.test.ts",
        ".env",
        "*.log",
      ]),
    );
    expect(
      ignored.some((line) => /onnx|npmrc|package|\.ts$/.test(line) && !line.includes("test")),
    ).toBe(false);
  });

  it("writes .npmrc for a registry and names it in the README", () => {
    const files = projectFiles({ name: "demo", servekit, registry: "https://npm.example.com/" });
    expect(files[".npmrc"]).toBe("@servekit:registry=https://npm.example.com/\n");
    expect(text(files["README.md"])).toContain("from https://npm.example.com/");
  });

  it("says in the README when servekit is linked from a checkout", () => {
    const linked = {
      core: "file:/src/servekit/packages/serve-core",
      cli: "file:/src/servekit/packages/serve-cli",
    };
    const readme = text(projectFiles({ name: "demo", servekit: linked })["README.md"]);
    expect(readme).toContain("file:/src/servekit/packages/serve-core");
  });

  it("onnx: writes the model, depends on onnxruntime-node and checks the model's sha256", () => {
    const files = projectFiles({ name: "iris", template: "onnx", servekit });
    const model = files["model.onnx"];
    expect(model).toEqual(irisModelBytes());
    expect(JSON.parse(text(files["package.json"])).dependencies["onnxruntime-node"]).toBe(
      "^1.22.0",
    );
    const sha256 = createHash("sha256")
      .update(model as Uint8Array)
      .digest("hex");
    expect(text(files["predictor.ts"])).toContain(`const MODEL_SHA256 = "${sha256}";`);
    expect(text(files["serve.config.ts"])).toMatch(/^\s+workers: 2,/m);
    expect(text(files["README.md"])).toContain("ONNXRUNTIME_NODE_INSTALL=skip npm install");
  });

  it("onnx from a checkout: onnxruntime-node at the version the checkout's @servekit/core loads", () => {
    const linked = {
      core: "file:/src/servekit/packages/serve-core",
      cli: "file:/src/servekit/packages/serve-cli",
      pinned: { "onnxruntime-node": "1.30.0", "not-a-dependency": "1.0.0" },
    };
    const files = projectFiles({ name: "iris", template: "onnx", servekit: linked });
    const { dependencies } = JSON.parse(text(files["package.json"]));
    expect(dependencies["onnxruntime-node"]).toBe("1.30.0");
    expect(dependencies["not-a-dependency"]).toBeUndefined();
  });

  it("tabular: the model is data in model.ts, the rows capped at 1000", () => {
    const files = projectFiles({ name: "prices", template: "tabular", servekit });
    expect(text(files["model.ts"])).toContain("export const MODEL = {");
    expect(text(files["predictor.ts"])).toContain("z.array(Row).min(1).max(1000)");
  });
});

describe("nextSteps", () => {
  it("skips cd for the current directory and quotes a directory with spaces", () => {
    expect(nextSteps({ dir: ".", template: "text" })[0]).toBe("npm install");
    expect(nextSteps({ dir: "my model", template: "text" })[0]).toBe("cd 'my model'");
  });

  it("installs the onnx template without onnxruntime-node's CUDA download", () => {
    expect(nextSteps({ dir: "iris", template: "onnx" })[1]).toMatch(
      /^ONNXRUNTIME_NODE_INSTALL=skip npm install {3}# /,
    );
  });
});
