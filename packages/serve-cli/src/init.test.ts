import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT, runCli } from "../test/run-cli.js";

const parent = mkdtempSync(join(tmpdir(), "servekit-init-"));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

const readJson = (file: string) => JSON.parse(readFileSync(file, "utf8"));

/** Runs npm in a scaffolded project as a user would, returning its stdout. */
function npm(project: string, args: string[], env: Record<string, string> = {}): string {
  return execFileSync("npm", args, {
    cwd: project,
    encoding: "utf8",
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 240_000,
  });
}

const INSTALL = ["install", "--no-audit", "--no-fund", "--prefer-offline"];

describe("serve-cli init", () => {
  const project = join(parent, "word-counter");

  it("scaffolds a project that installs, passes its own test, and predicts", async () => {
    const init = await runCli(["init", project, "--servekit-from", REPO_ROOT], { cwd: parent });
    expect(init.code).toBe(0);
    for (const file of [
      "package.json",
      "predictor.ts",
      "serve.config.ts",
      "predictor.test.ts",
      "tsconfig.json",
      "README.md",
      ".gitignore",
      ".dockerignore",
    ]) {
      expect(existsSync(join(project, file))).toBe(true);
    }
    const manifest = readJson(join(project, "package.json"));
    expect(manifest.name).toBe("word-counter");
    expect(manifest.type).toBe("module");
    // The image runs `serve-cli run` from node_modules after `npm ci --omit=dev`.
    expect(Object.keys(manifest.dependencies)).toEqual(["@servekit/cli", "@servekit/core"]);
    expect(manifest.devDependencies["@servekit/cli"]).toBeUndefined();
    expect(readFileSync(join(project, ".dockerignore"), "utf8")).toMatch(/^\*\.test\.ts$/m);

    npm(project, INSTALL);
    expect(npm(project, ["test"])).toMatch(/2 passed/);

    const predicted = npm(project, [
      "exec",
      "--",
      "serve-cli",
      "predict",
      "-i",
      "text=to be or not to be",
      "-i",
      "top=1",
    ]);
    expect(JSON.parse(predicted)).toEqual({ words: 6, top_words: [{ word: "be", count: 2 }] });
  }, 300_000);

  it("refuses a directory that already has files", async () => {
    const taken = mkdtempSync(join(parent, "taken-"));
    writeFileSync(join(taken, "notes.txt"), "mine");
    const again = await runCli(["init", taken], { cwd: parent });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("is not empty");
    expect(readFileSync(join(taken, "notes.txt"), "utf8")).toBe("mine");
  });

  it("rejects an unknown template with exit 2, listing the templates, and writes nothing", async () => {
    const result = await runCli(["init", join(parent, "nope"), "--template", "vision"], {
      cwd: parent,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown template "vision"; pick one of: text, onnx, tabular');
    expect(existsSync(join(parent, "nope"))).toBe(false);
  });

  it("points the @servekit scope at --registry in .npmrc, and says so in the README", async () => {
    const dir = join(parent, "from-verdaccio");
    const result = await runCli(["init", dir, "--registry", "http://localhost:4873/"], {
      cwd: parent,
    });
    expect(result.code).toBe(0);
    expect(readFileSync(join(dir, ".npmrc"), "utf8")).toBe(
      "@servekit:registry=http://localhost:4873/\n",
    );
    expect(readFileSync(join(dir, "README.md"), "utf8")).toContain("http://localhost:4873/");
    expect(readJson(join(dir, "package.json")).dependencies["@servekit/core"]).toMatch(/^\^\d/);
  });

  it("rejects a --registry that is not an http(s) URL", async () => {
    for (const registry of ["localhost:4873", "ftp://npm.example.com/", "not a url"]) {
      const dir = join(parent, "bad-registry");
      const result = await runCli(["init", dir, "--registry", registry], { cwd: parent });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        `--registry must be an http(s) URL like https://npm.example.com/`,
      );
      expect(existsSync(dir)).toBe(false);
    }
  });

  it("prints what it created and the next steps for the template", async () => {
    const result = await runCli(["init", "my iris", "--template", "onnx"], { cwd: parent });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/created .*model\.onnx.* in .*my iris/);
    expect(result.stderr).toContain("cd 'my iris'");
    expect(result.stderr).toContain("ONNXRUNTIME_NODE_INSTALL=skip npm install");
    expect(result.stderr).toContain("npm run predict -- -i sepal_length=5.1");
  });
});

describe("serve-cli init --template tabular", () => {
  const project = join(parent, "house-prices");

  it("scaffolds a batch-of-rows predictor that installs, passes its tests, and predicts", async () => {
    const init = await runCli(
      ["init", project, "--template", "tabular", "--servekit-from", REPO_ROOT],
      { cwd: parent },
    );
    expect(init.code).toBe(0);
    expect(existsSync(join(project, "model.ts"))).toBe(true);

    npm(project, INSTALL);
    expect(npm(project, ["test"])).toMatch(/3 passed/);

    const rows = [
      { sqft: 1800, bedrooms: 3, bathrooms: 2, year_built: 1985, neighborhood: "suburb" },
      { sqft: 900, bedrooms: 2, bathrooms: 1, year_built: 1960, neighborhood: "rural" },
    ];
    const predicted = JSON.parse(
      npm(project, ["exec", "--", "serve-cli", "predict", "-i", `rows=${JSON.stringify(rows)}`]),
    );
    expect(predicted.predictions).toHaveLength(2);
    expect(predicted.predictions[0]).toEqual({ price: 310_000 });
    expect(predicted.predictions[1].price).toBeLessThan(predicted.predictions[0].price);
  }, 300_000);
});

describe("serve-cli init --template onnx", () => {
  const project = join(parent, "iris");

  it("scaffolds an ONNX classifier that installs, passes its tests, and predicts", async () => {
    const init = await runCli(
      ["init", project, "--template", "onnx", "--servekit-from", REPO_ROOT],
      { cwd: parent },
    );
    expect(init.code).toBe(0);
    // The linked @servekit/core loads the checkout's onnxruntime-node; a newer one in the
    // project could not load beside it (one native library, two versions).
    const checkoutVersion = readJson(
      createRequire(join(REPO_ROOT, "packages/serve-core/package.json")).resolve(
        "onnxruntime-node/package.json",
      ),
    ).version;
    expect(readJson(join(project, "package.json")).dependencies["onnxruntime-node"]).toBe(
      checkoutVersion,
    );

    npm(project, INSTALL, { ONNXRUNTIME_NODE_INSTALL: "skip" });
    expect(npm(project, ["test"])).toMatch(/2 passed/);

    const flower = ["sepal_length=6.7", "sepal_width=3.0", "petal_length=5.2", "petal_width=2.3"];
    const predicted = JSON.parse(
      npm(project, ["exec", "--", "serve-cli", "predict", ...flower.flatMap((i) => ["-i", i])]),
    );
    expect(predicted.species).toBe("virginica");
    expect(predicted.probabilities.virginica).toBeGreaterThan(0.5);
  }, 400_000);

  it("fails setup with a clear message when model.onnx was changed", async () => {
    const model = readFileSync(join(project, "model.onnx"));
    model[model.length - 1] ^= 0xff;
    writeFileSync(join(project, "model.onnx"), model);
    const result = await runCli(
      ["predict", project, "-i", "sepal_length=5", "-i", "sepal_width=3"].concat(
        "-i petal_length=1 -i petal_width=0.2".split(" "),
      ),
      { cwd: project },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/model\.onnx has sha256 [0-9a-f]{64}, expected [0-9a-f]{64}/);
    expect(result.stderr).toContain("the file was changed or damaged");
  });
});
