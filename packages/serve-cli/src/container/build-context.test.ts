import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { LoadedTarget } from "../load-target.js";
import { prepareBuildContext } from "./build-context.js";

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A temp project folder holding `files` (path → content; objects are written as JSON). */
function project(files: Record<string, string | object>): string {
  const root = mkdtempSync(join(tmpdir(), "servekit-context-test-"));
  made.push(root);
  const dir = join(root, "project");
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(
      join(dir, path),
      typeof content === "string" ? content : JSON.stringify(content, null, 2),
    );
  }
  return dir;
}

/** What `loadTarget` would return for the project's serve.config.ts, without importing it. */
function loaded(dir: string): LoadedTarget {
  return {
    predictor: { name: "echo" },
    file: join(dir, "predictor.ts"),
    configFile: join(dir, "serve.config.ts"),
    config: { build: { weights: [], env: {} } },
  } as unknown as LoadedTarget;
}

function context(dir: string) {
  return prepareBuildContext({
    loaded: loaded(dir),
    outDir: join(dir, "..", "context"),
    port: 8000,
  });
}

const manifest = {
  name: "echo",
  type: "module",
  scripts: { prepare: "husky", start: "serve-cli run ." },
  dependencies: { "@servekit/cli": "^0.1.0", tiny: "file:vendor/tiny-1.0.0.tgz" },
};
const lockfile = {
  name: "echo",
  lockfileVersion: 3,
  packages: {
    "": { name: "echo", dependencies: manifest.dependencies },
    "node_modules/tiny": { version: "1.0.0", resolved: "file:vendor/tiny-1.0.0.tgz" },
  },
};
const npmProject = {
  "package.json": manifest,
  "package-lock.json": lockfile,
  ".npmrc": "@servekit:registry=http://localhost:4873/\n",
  ".dockerignore": "docs\n*.md\n",
  "vendor/tiny-1.0.0.tgz": "not really gzip",
  "serve.config.ts": "export default {};\n",
  "predictor.ts": "export const predictor = {};\n",
  "predictor.test.ts": "test\n",
  "lib/util.ts": "export {};\n",
  "lib/util.spec.ts": "test\n",
  "test/helper.ts": "export {};\n",
  "docs/guide.txt": "docs\n",
  "README.md": "# echo\n",
  "node_modules/tiny/index.js": "\n",
  ".git/HEAD": "ref: refs/heads/main\n",
  ".env": "SECRET=1\n",
  "npm-debug.log": "log\n",
};

describe("prepareBuildContext for an npm project", () => {
  it("puts what the install reads in install/, the tarball dependency included", () => {
    const dir = project(npmProject);
    const { dir: ctx, spec } = context(dir);
    for (const file of ["package.json", "package-lock.json", ".npmrc", "vendor/tiny-1.0.0.tgz"]) {
      expect(existsSync(join(ctx, "install", file)), file).toBe(true);
    }
    // The install runs before the app is copied: the project's own install scripts are left out there.
    const installed = JSON.parse(readFileSync(join(ctx, "install/package.json"), "utf8"));
    expect(installed.scripts).toEqual({ start: "serve-cli run ." });
    expect(installed.dependencies).toEqual(manifest.dependencies);
    expect(spec.packageManager).toBe("npm");
    expect(spec.installOnly).toEqual([".npmrc", "vendor/tiny-1.0.0.tgz"]);
  });

  it("copies the app without tests, installs, VCS data, secrets, logs, the tarball or .dockerignore'd files", () => {
    const dir = project(npmProject);
    const { dir: ctx } = context(dir);
    const app = (path: string) => existsSync(join(ctx, "app", path));
    for (const kept of ["package.json", "serve.config.ts", "predictor.ts", "lib/util.ts"]) {
      expect(app(kept), kept).toBe(true);
    }
    for (const left of [
      "predictor.test.ts",
      "lib/util.spec.ts",
      "test",
      "node_modules",
      ".git",
      ".env",
      ".npmrc",
      "npm-debug.log",
      "vendor",
      "docs",
      "README.md",
    ]) {
      expect(app(left), left).toBe(false);
    }
    // The app's package.json is the user's own, scripts and all.
    expect(JSON.parse(readFileSync(join(ctx, "app/package.json"), "utf8"))).toEqual(manifest);
  });

  it("writes a Dockerfile that copies install/ and installs before it copies app/", () => {
    const dir = project(npmProject);
    const dockerfile = readFileSync(context(dir).dockerfile, "utf8").split("\n");
    const at = (line: string) => dockerfile.indexOf(line);
    expect(at("COPY install/ ./")).toBeGreaterThan(0);
    expect(at("COPY install/ ./")).toBeLessThan(at("RUN npm ci --omit=dev"));
    expect(at("RUN npm ci --omit=dev")).toBeLessThan(at("COPY app/ ./"));
    expect(dockerfile).toContain('RUN ["rm","-rf","--",".npmrc","vendor/tiny-1.0.0.tgz"]');
  });

  it("leaves the user's own files untouched", () => {
    const dir = project(npmProject);
    context(dir);
    expect(JSON.parse(readFileSync(join(dir, "package.json"), "utf8"))).toEqual(manifest);
    expect(existsSync(join(dir, "node_modules/tiny/index.js"))).toBe(true);
  });

  it("copies only what package.json `files` allows, plus the manifest, config and entry", () => {
    const dir = project({
      ...npmProject,
      "package.json": { ...manifest, files: ["lib"] },
      "other.ts": "export {};\n",
    });
    const { dir: ctx } = context(dir);
    const app = (path: string) => existsSync(join(ctx, "app", path));
    expect(["package.json", "serve.config.ts", "predictor.ts", "lib/util.ts"].map(app)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(app("other.ts")).toBe(false);
  });

  it("builds in the image when the project has a build script", () => {
    const dir = project({
      ...npmProject,
      "package.json": { ...manifest, scripts: { build: "tsc" } },
      "dist/old.js": "\n",
    });
    const { dir: ctx, spec } = context(dir);
    expect(spec.build).toBe(true);
    expect(existsSync(join(ctx, "app/dist"))).toBe(false);
  });

  it("refuses a local dependency outside the project, saying to move it inside", () => {
    const dir = project({
      ...npmProject,
      "package.json": {
        ...manifest,
        dependencies: { ...manifest.dependencies, lib: "file:../lib" },
      },
    });
    mkdirSync(join(dir, "../lib"));
    expect(() => context(dir)).toThrow(
      /outside the project.*move it inside \(e\.g\. to vendor\/\)/,
    );
  });

  it("refuses a project without a lockfile, saying to run the install first", () => {
    const { "package-lock.json": _, ...withoutLock } = npmProject;
    expect(() => context(project(withoutLock))).toThrow(/no lockfile: run npm install/);
  });

  it("asks to move @servekit/cli out of devDependencies", () => {
    const dir = project({
      ...npmProject,
      "package.json": {
        ...manifest,
        dependencies: { tiny: manifest.dependencies.tiny },
        devDependencies: { "@servekit/cli": "^0.1.0" },
      },
    });
    expect(() => context(dir)).toThrow(/move it to dependencies \(npm install @servekit\/cli\)/);
  });
});

describe("prepareBuildContext for pnpm and yarn projects", () => {
  it("pnpm: copies pnpm-workspace.yaml settings and installs the major packageManager names", () => {
    const dir = project({
      "package.json": {
        ...manifest,
        dependencies: { "@servekit/cli": "^0.1.0" },
        packageManager: "pnpm@9.15.0",
      },
      "pnpm-lock.yaml": "lockfileVersion: '9.0'\n",
      "pnpm-workspace.yaml": "onlyBuiltDependencies:\n  - sharp\n",
      "serve.config.ts": "export default {};\n",
      "predictor.ts": "export {};\n",
    });
    const { dir: ctx, dockerfile } = context(dir);
    expect(existsSync(join(ctx, "install/pnpm-workspace.yaml"))).toBe(true);
    expect(readFileSync(dockerfile, "utf8")).toContain("RUN npm install -g pnpm@9\n");
  });

  it("yarn berry: copies .yarnrc.yml and the checked-in release, and runs it", () => {
    const dir = project({
      "package.json": { ...manifest, dependencies: { "@servekit/cli": "^0.1.0" } },
      "yarn.lock": '__metadata:\n  version: 6\n\n"echo@workspace:.":\n  version: 0.0.0-use.local\n',
      ".yarnrc.yml": "yarnPath: .yarn/releases/yarn-3.8.7.cjs\n",
      ".yarn/releases/yarn-3.8.7.cjs": "// yarn\n",
      "serve.config.ts": "export default {};\n",
      "predictor.ts": "export {};\n",
    });
    const { dir: ctx, spec } = context(dir);
    expect(existsSync(join(ctx, "install/.yarn/releases/yarn-3.8.7.cjs"))).toBe(true);
    expect(existsSync(join(ctx, "install/.yarnrc.yml"))).toBe(true);
    expect(spec).toMatchObject({
      packageManager: "yarn-berry",
      managerMajor: 3,
      yarnPath: ".yarn/releases/yarn-3.8.7.cjs",
    });
  });
});

describe("prepareBuildContext with weights", () => {
  const sha = (text: string) => createHash("sha256").update(text).digest("hex");

  /** A file outside the project, like a cache entry. */
  function cached(name: string, content: string): string {
    const dir = mkdtempSync(join(tmpdir(), "servekit-context-cache-"));
    made.push(dir);
    writeFileSync(join(dir, name), content);
    return join(dir, name);
  }

  function withWeights(
    dir: string,
    declaredWeights: { fileName: string; path?: string; declaredBy: string; sha256: string }[],
    buildWeights: string[] = [],
  ) {
    const target = loaded(dir);
    target.config.build = { weights: buildWeights, env: {} };
    return prepareBuildContext({
      loaded: target,
      outDir: join(dir, "..", "context"),
      port: 8000,
      declaredWeights,
    });
  }

  it("copies declared files into weights/ under their file names, in a layer before the code", () => {
    const dir = project(npmProject);
    const model = cached("3f2a", "model bytes");
    const ctx = withWeights(dir, [
      { fileName: "model.onnx", path: model, declaredBy: "echo@1 model", sha256: "ab".repeat(32) },
    ]);
    expect(readFileSync(join(ctx.dir, "weights/model.onnx"), "utf8")).toBe("model bytes");
    expect(ctx.weights).toEqual([model]);
    const dockerfile = readFileSync(ctx.dockerfile, "utf8").split("\n");
    const layer = dockerfile.indexOf("COPY weights/ /srv/weights/");
    expect(layer).toBeGreaterThan(0);
    expect(layer).toBeLessThan(
      dockerfile.findIndex((line) => line.startsWith("COPY --from=builder")),
    );
    expect(dockerfile.join("\n")).toContain('SERVEKIT_WEIGHTS_DIR="/srv/weights"');
  });

  it("keeps build.weights working beside declared files, and leaves the project's weights/ out of the app", () => {
    const dir = project({
      ...npmProject,
      "weights/model.onnx": "project copy",
      "extra/labels.txt": "cat\ndog\n",
    });
    const ctx = withWeights(
      dir,
      [
        {
          fileName: "model.onnx",
          path: join(dir, "weights/model.onnx"),
          declaredBy: "echo@1 model",
        },
      ],
      ["extra/labels.txt"],
    );
    expect(readFileSync(join(ctx.dir, "weights/model.onnx"), "utf8")).toBe("project copy");
    expect(readFileSync(join(ctx.dir, "weights/labels.txt"), "utf8")).toBe("cat\ndog\n");
    expect(existsSync(join(ctx.dir, "app/weights/model.onnx"))).toBe(false);
    expect(existsSync(join(ctx.dir, "app/extra/labels.txt"))).toBe(false);
  });

  it("refuses two different files with one name, saying to rename one", () => {
    const dir = project({ ...npmProject, "model.onnx": "from build.weights" });
    const declared = [
      {
        fileName: "model.onnx",
        path: cached("a1", "x"),
        declaredBy: "echo@1 model",
        sha256: sha("x"),
      },
    ];
    expect(() => withWeights(dir, declared, ["model.onnx"])).toThrow(
      /two different weight files are named model\.onnx \(echo@1 model; build\.weights in .*serve\.config\.ts\).*rename one or drop it from build\.weights/,
    );
  });

  it("copies a file once when build.weights lists the declared file itself", () => {
    const dir = project({ ...npmProject, "model.onnx": "same bytes" });
    const declared = [
      {
        fileName: "model.onnx",
        path: cached("b2", "same bytes"),
        declaredBy: "echo@1 model",
        sha256: sha("same bytes"),
      },
    ];
    const ctx = withWeights(dir, declared, ["model.onnx"]);
    expect(ctx.weights).toEqual([declared[0]?.path]);
    expect(readFileSync(join(ctx.dir, "weights/model.onnx"), "utf8")).toBe("same bytes");
  });

  it("writes the weights layer into a Dockerfile preview even before the files are pulled", () => {
    const dir = project(npmProject);
    const ctx = withWeights(dir, [
      { fileName: "model.onnx", declaredBy: "echo@1 model", sha256: "ab".repeat(32) },
    ]);
    expect(ctx.spec.hasWeights).toBe(true);
    expect(readFileSync(ctx.dockerfile, "utf8")).toContain("COPY weights/ /srv/weights/");
    expect(ctx.weights).toEqual([]);
  });

  it("has no weights layer when nothing declares or lists weights", () => {
    const ctx = withWeights(project(npmProject), []);
    expect(ctx.spec.hasWeights).toBe(false);
    expect(readFileSync(ctx.dockerfile, "utf8")).not.toContain("SERVEKIT_WEIGHTS_DIR");
  });

  it("copies weights.lock into the app even when `files` and .dockerignore leave it out", () => {
    const lock = `${JSON.stringify({ lockfileVersion: 1, predictors: {} })}\n`;
    const dir = project({
      ...npmProject,
      "package.json": { ...manifest, files: ["lib"] },
      ".dockerignore": "*.lock\n",
      "weights.lock": lock,
    });
    const { dir: ctx } = context(dir);
    expect(readFileSync(join(ctx, "app/weights.lock"), "utf8")).toBe(lock);
  });

  it("copies weights.lock of a pnpm workspace package into the app", () => {
    const dir = project({
      "pnpm-workspace.yaml": "packages:\n  - apps/*\n",
      "package.json": { name: "root", private: true },
      "pnpm-lock.yaml": "lockfileVersion: '9.0'\n",
      "apps/echo/package.json": { name: "echo", dependencies: {} },
      "apps/echo/serve.config.ts": "export default {};\n",
      "apps/echo/predictor.ts": "export {};\n",
      "apps/echo/weights.lock": "{}\n",
      "apps/echo/weights/model.onnx": "not in the app layer",
    });
    const target = loaded(join(dir, "apps/echo"));
    const ctx = prepareBuildContext({
      loaded: target,
      outDir: join(dir, "..", "context"),
      port: 8000,
    });
    expect(existsSync(join(ctx.dir, "app/apps/echo/weights.lock"))).toBe(true);
    expect(existsSync(join(ctx.dir, "app/apps/echo/weights"))).toBe(false);
  });
});
