import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT, runCli, startCli } from "../../test/run-cli.js";

describe("serve-cli run with an unusable journalDir", () => {
  const dir = mkdtempSync(join(tmpdir(), "servekit-run-journal-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("exits 1 at once with the error, worker pool or not, instead of serving on", async () => {
    // A journal directory below a plain file can never be created.
    const file = join(dir, "not-a-directory");
    writeFileSync(file, "");
    for (const workers of ["0", "1"]) {
      // A hang is killed at timeoutMs, and a killed CLI has no exit code 1.
      const result = await runCli(
        ["run", "echo", "--workers", workers, "--port", "0", "--host", "127.0.0.1"],
        { env: { SERVEKIT_JOURNAL_DIR: join(file, "journal") }, timeoutMs: 20_000 },
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^error: .*not a directory/im);
      expect(result.stderr).toContain(`${file}/journal`);
      // It stopped before setup: no worker ran it, nothing listened.
      expect(result.stdout).not.toContain("echo setup");
    }
  });

  it("exits 1 for a journalDir under /proc, where a recursive mkdir would spin forever", async () => {
    const result = await runCli(["run", "echo", "--port", "0", "--host", "127.0.0.1"], {
      env: { SERVEKIT_JOURNAL_DIR: "/proc/servekit/journal" },
      timeoutMs: 20_000,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("`journalDir` /proc/servekit/journal cannot be used");
    expect(result.stderr).toContain("point it to a writable directory");
  });
});

describe("serve-cli run with invalid options", () => {
  it("exits 2 naming the flag, in the words of the options schema", async () => {
    for (const [args, message] of [
      [["--port", "70000"], "error: --port must be 0–65535, got 70000"],
      [
        ["--workers", "-1"],
        'error: --workers must be 0 (inline), a whole number or "auto", got -1',
      ],
      [
        ["--log-level", "loud"],
        'error: --log-level must be one of trace, debug, info, warn, error, fatal, silent, got "loud"',
      ],
    ] as const) {
      const result = await runCli(["run", "echo", ...args]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stderr).not.toContain("--debug");
    }
  });

  it("exits 2 without a stack when the environment sets an invalid option", async () => {
    const result = await runCli(["run", "echo", "--port", "0", "--host", "127.0.0.1"], {
      env: { SERVEKIT_API_KEYS: "short" },
      timeoutMs: 20_000,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error: invalid serve options:");
    expect(result.stderr).toContain(
      "- `apiKeys.0` must be at least 8 characters (e.g. from `openssl rand -hex 16`), got one of 5 (from SERVEKIT_API_KEYS)",
    );
    expect(result.stderr).not.toContain("short");
    expect(result.stderr).not.toContain("--debug");
  });
});

/** A project in a temporary directory whose predictors import this repository's core. */
function writeProject(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "servekit-run-models-"));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const CORE = join(REPO_ROOT, "packages/serve-core/dist/index.js");

/** A predictor module: `name` at `version`, answering with both, and its worker's thread id. */
function greeterModule(name: string, version: string, exportName = "predictor"): string {
  return `import { isMainThread } from "node:worker_threads";
import { definePredictor, z } from ${JSON.stringify(CORE)};
export const ${exportName} = definePredictor({
  name: ${JSON.stringify(name)},
  version: ${JSON.stringify(version)},
  input: z.object({ who: z.string() }),
  output: z.object({ answer: z.string(), inWorker: z.boolean() }),
  predict: ({ who }) => ({ answer: ${JSON.stringify(`${name} ${version}`)} + " to " + who, inWorker: !isMainThread }),
});
`;
}

async function predictAt(url: string, path: string) {
  const res = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ who: "ada" }),
  });
  return {
    status: res.status,
    version: res.headers.get("x-model-version"),
    body: await res.json(),
  };
}

describe("serve-cli run with several targets", () => {
  const dir = writeProject({
    "v1.ts": greeterModule("greeter", "1"),
    "v2.ts": greeterModule("greeter", "2"),
    "counter.ts": greeterModule("counter", "0.1.0", "counter"),
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("serves them all in one server, the first target's model the default", async () => {
    const { child, url, result } = await startCli(
      ["run", "v1.ts", "v2.ts", "counter.ts:counter", "--port", "0", "--host", "127.0.0.1"],
      { cwd: dir },
    );
    try {
      const models = await (await fetch(`${url}/models`)).json();
      expect(models.default).toBe("greeter");
      expect(
        models.models.map((m: { name: string; versions: { version: string }[] }) => [
          m.name,
          m.versions.map((v) => v.version),
        ]),
      ).toEqual([
        ["greeter", ["1", "2"]],
        ["counter", ["0.1.0"]],
      ]);
      // The first target is the default model; its first listed version gets the traffic.
      expect(await predictAt(url, "/predict")).toEqual({
        status: 200,
        version: "1",
        body: { answer: "greeter 1 to ada", inWorker: false },
      });
      expect((await predictAt(url, "/models/greeter/versions/2/predict")).body.answer).toBe(
        "greeter 2 to ada",
      );
      expect((await predictAt(url, "/models/counter/predict")).body.answer).toBe(
        "counter 0.1.0 to ada",
      );
    } finally {
      child.kill("SIGTERM");
    }
    const { code, stderr } = await result;
    expect(code).toBe(0);
    expect(stderr).toContain("servekit · 2 models");
    expect(stderr).toContain("ready: greeter (1, 2), counter (0.1.0) are accepting predictions");
  });

  it("runs each model's pool workers with its own module when --workers is set", async () => {
    const { child, url, result } = await startCli(
      ["run", "v2.ts", "counter.ts:counter", "--port", "0", "--host", "127.0.0.1", "-w", "1"],
      { cwd: dir },
    );
    try {
      expect((await predictAt(url, "/predict")).body).toEqual({
        answer: "greeter 2 to ada",
        inWorker: true,
      });
      expect((await predictAt(url, "/models/counter/predict")).body).toEqual({
        answer: "counter 0.1.0 to ada",
        inWorker: true,
      });
    } finally {
      child.kill("SIGTERM");
    }
    expect((await result).code).toBe(0);
  });

  it("serves every model-version a module's own serve([…]) call serves, with that call's options", async () => {
    writeFileSync(
      join(dir, "main.ts"),
      `import { serve } from ${JSON.stringify(CORE)};
import { predictor as v1 } from "./v1.ts";
import { predictor as v2 } from "./v2.ts";
await serve([v1, { predictor: v2, options: { workers: 1 } }], {
  port: 1, // taken over, so never bound: the flags say where to listen
  traffic: { greeter: { weights: { "1": 0, "2": 100 } } },
});
`,
    );
    const { child, url, result } = await startCli(
      ["run", "main.ts", "--port", "0", "--host", "127.0.0.1"],
      { cwd: dir },
    );
    try {
      expect(await predictAt(url, "/predict")).toEqual({
        status: 200,
        version: "2",
        body: { answer: "greeter 2 to ada", inWorker: true },
      });
      expect((await predictAt(url, "/models/greeter/versions/1/predict")).body.inWorker).toBe(
        false,
      );
    } finally {
      child.kill("SIGTERM");
    }
    expect((await result).code).toBe(0);
  });

  it("prints one OpenAPI document for them all, every model and version with its own path", async () => {
    const result = await runCli(["openapi", "v1.ts", "v2.ts", "counter.ts:counter"], { cwd: dir });
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/predict",
        "/models",
        "/models/greeter/predict",
        "/models/greeter/versions/1/predict",
        "/models/greeter/versions/2/predict",
        "/models/counter/predict",
        "/models/counter/versions/0.1.0/predict",
      ]),
    );
  });

  it("exits 2 naming a target that does not exist, or two that serve the same version", async () => {
    const result = await runCli(["run", "v1.ts", "v3.ts"], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error: v3.ts does not exist");
    const twice = await runCli(["run", "v1.ts", "v2.ts", "v1.ts:predictor"], { cwd: dir });
    expect(twice.code).toBe(2);
    expect(twice.stderr).toBe(
      'error: v1.ts and v1.ts both serve greeter version 1: give each its own `version` in definePredictor (e.g. version: "fp16") to serve both as versions of greeter, or its own `name` to serve them as two models\n',
    );
  });
});

describe("serve-cli run with a models list in serve.config.ts", () => {
  const config = (body: string) =>
    `import { defineConfig } from ${JSON.stringify(CORE)};\nexport default defineConfig(${body});\n`;
  const dir = writeProject({
    "v1.ts": greeterModule("greeter", "1"),
    "versions.ts": greeterModule("greeter", "2", "fp16"),
    "serve.config.ts": config(`{
      models: ["v1.ts", { entry: "versions.ts:fp16", options: { workers: 1 } }],
      traffic: { greeter: { weights: { "1": 0, "2": 100 } } },
    }`),
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("serves every model with its own options and the config's traffic policy", async () => {
    const { child, url, result } = await startCli(
      ["run", "--port", "0", "--host", "127.0.0.1", "--workers", "0"],
      { cwd: dir },
    );
    try {
      // Version 2 has all the weight, and its own `workers: 1` over the flag's 0.
      expect(await predictAt(url, "/predict")).toEqual({
        status: 200,
        version: "2",
        body: { answer: "greeter 2 to ada", inWorker: true },
      });
      expect((await predictAt(url, "/models/greeter/versions/1/predict")).body).toEqual({
        answer: "greeter 1 to ada",
        inWorker: false,
      });
    } finally {
      child.kill("SIGTERM");
    }
    expect((await result).code).toBe(0);
  });

  it("exits 2 for a config with both entry and models, or a models item whose file is missing", async () => {
    const both = writeProject({
      "v1.ts": greeterModule("greeter", "1"),
      "serve.config.ts": config(`{ entry: "v1.ts", models: ["v1.ts"] }`),
    });
    const missing = writeProject({
      "v1.ts": greeterModule("greeter", "1"),
      "serve.config.ts": config(`{ models: ["v1.ts", "v9.ts:fp16"] }`),
    });
    try {
      const bothResult = await runCli(["run"], { cwd: both });
      expect(bothResult.code).toBe(2);
      expect(bothResult.stderr).toContain(
        "- `entry`: cannot be set with `models`: serve one predictor with `entry`, or several with `models`",
      );
      const missingResult = await runCli(["run"], { cwd: missing });
      expect(missingResult.code).toBe(2);
      expect(missingResult.stderr).toContain(
        `error: ${join(missing, "v9.ts")} does not exist (\`models.1\` in serve.config.ts is "v9.ts:fp16")`,
      );
    } finally {
      rmSync(both, { recursive: true, force: true });
      rmSync(missing, { recursive: true, force: true });
    }
  });
});
