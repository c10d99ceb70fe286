import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT, runCli, startCli } from "../../test/run-cli.js";

const CORE = join(REPO_ROOT, "packages/serve-core/dist/index.js");

/** A TypeScript project: a predictor that imports helpers with `.js` and `.ts` specifiers. */
function writeProject(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "servekit-compile-"));
  const all: Record<string, string> = {
    "package.json": JSON.stringify({ type: "module" }),
    "serve.config.ts": 'export default { entry: "src/predictor.ts", workers: 1 };\n',
    "src/greet.ts": 'export const greet = (who: string): string => "hello " + who;\n',
    "src/suffix.ts": 'export const suffix: string = "!";\n',
    "src/predictor.ts": `import { isMainThread } from "node:worker_threads";
import { definePredictor, z } from ${JSON.stringify(CORE)};
import { greet } from "./greet.js";
import { suffix } from "./suffix.ts";
export const predictor = definePredictor({
  name: "greeter",
  input: z.object({ who: z.string() }),
  output: z.object({ answer: z.string(), inWorker: z.boolean(), module: z.string() }),
  predict: ({ who }) => ({ answer: greet(who) + suffix, inWorker: !isMainThread, module: import.meta.url }),
});
`,
    "src/predictor.test.ts": "this is not compiled",
    ...files,
  };
  for (const [name, text] of Object.entries(all)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

async function predictOnce(dir: string) {
  const { child, url, result } = await startCli(
    ["run", ".", "--port", "0", "--host", "127.0.0.1"],
    {
      cwd: dir,
    },
  );
  try {
    const res = await fetch(`${url}/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ who: "ada" }),
    });
    return { status: res.status, body: await res.json(), child, result };
  } finally {
    child.kill("SIGTERM");
  }
}

describe("serve-cli compile", () => {
  const dir = writeProject();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes the project's TypeScript as JavaScript under .servekit/build, tests left out", async () => {
    const result = await runCli(["compile"], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^compiled 4 TypeScript files to \.servekit\/build in \d+ ms$/m);
    for (const file of ["serve.config.js", "src/predictor.js", "src/greet.js", "src/suffix.js"])
      expect(existsSync(join(dir, ".servekit/build", file))).toBe(true);
    expect(existsSync(join(dir, ".servekit/build/src/predictor.test.js"))).toBe(false);
  });

  it("makes run serve the compiled build, in its pool workers too", async () => {
    const { status, body, result } = await predictOnce(dir);
    expect(status).toBe(200);
    expect(body).toEqual({
      answer: "hello ada!",
      inWorker: true,
      module: `file://${join(dir, ".servekit/build/src/predictor.js")}`,
    });
    const { stderr } = await result;
    expect(stderr).toMatch(/^running the compiled build in \.servekit\/build \(/m);
    expect(stderr).not.toContain("stale");
  });

  it("warns that an edited project's build is stale and serves the edited sources", async () => {
    writeFileSync(
      join(dir, "src/greet.ts"),
      'export const greet = (who: string): string => "hi " + who;\n',
    );
    const { status, body, result } = await predictOnce(dir);
    expect(status).toBe(200);
    expect(body).toEqual({
      answer: "hi ada!",
      inWorker: true,
      module: `file://${join(dir, "src/predictor.ts")}`,
    });
    const { stderr } = await result;
    expect(stderr).toContain(
      "warning: the compiled build in .servekit/build is stale (src/greet.ts changed): running the sources through tsx; run `serve-cli compile` again",
    );
    expect(stderr).not.toContain("running the compiled build");
  });
});

describe("serve-cli compile of a project importing a file it does not compile", () => {
  const dir = writeProject({
    "src/data.js": "export const data = 1;\n",
    "src/greet.ts":
      'import { data } from "./data.js";\nexport const greet = (who: string) => who + data;\n',
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("fails naming the import, and leaves no build for run to use", async () => {
    const result = await runCli(["compile", dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'error: src/greet.ts imports "./data.js", which is not a compiled TypeScript file of the project',
    );
    expect(existsSync(join(dir, ".servekit/build"))).toBe(false);
  });
});

describe("serve-cli run of a compiled project that imports a package shipping TypeScript", () => {
  const tsPackage = {
    "node_modules/ts-only/package.json": JSON.stringify({
      name: "ts-only",
      type: "module",
      exports: { ".": "./index.ts" },
    }),
    "node_modules/ts-only/index.ts": 'export const punctuation: string = "?";\n',
  };

  it("runs compiled when only a file the entry does not import (a test helper) needs it", async () => {
    const dir = writeProject({
      ...tsPackage,
      "test/helpers.ts": 'export { punctuation } from "ts-only";\n',
    });
    try {
      const compiled = await runCli(["compile"], { cwd: dir });
      expect(compiled.stderr).toContain(
        "note: test/helpers.ts imports ts-only, which only tsx loads",
      );
      const { body, result } = await predictOnce(dir);
      expect(body.module).toBe(`file://${join(dir, ".servekit/build/src/predictor.js")}`);
      expect((await result).stderr).toContain("running the compiled build");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("runs the sources through tsx, saying why, when the entry imports it", async () => {
    const dir = writeProject({
      ...tsPackage,
      "src/suffix.ts": 'export { punctuation as suffix } from "ts-only";\n',
    });
    try {
      expect((await runCli(["compile"], { cwd: dir })).code).toBe(0);
      const { status, body, result } = await predictOnce(dir);
      expect(status).toBe(200);
      expect(body).toEqual({
        answer: "hello ada?",
        inWorker: true,
        module: `file://${join(dir, "src/predictor.ts")}`,
      });
      expect((await result).stderr).toContain(
        "note: src/predictor.ts imports ts-only, which only tsx loads (TypeScript exports): running the sources through tsx, not the compiled build",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
