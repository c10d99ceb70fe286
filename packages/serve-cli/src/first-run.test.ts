// What a new user runs into first: the errors of the everyday commands, and
// where files land. Each case runs the built binary as a user would.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURES, REPO_ROOT, runCli } from "../test/run-cli.js";
import { COMMANDS, createProgram } from "./program.js";

describe("serve-cli ui on a port already in use", () => {
  let busy: Server;
  let port: number;
  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    port = (busy.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => busy.close(() => resolve())));

  it("exits 1 with one line saying so and what to do, without a stack", async () => {
    const result = await runCli(
      ["ui", "--url", "http://127.0.0.1:9", "--port", String(port), "--host", "127.0.0.1"],
      { timeoutMs: 20_000 },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `error: port ${port} on 127.0.0.1 is already in use; stop what uses it or pick another with --port, e.g. --port ${port + 1}\n`,
    );
  });
});

describe("serve-cli predict without a required file input", () => {
  it("names the flag to add, not the HTTP wording", async () => {
    const result = await runCli(["predict", "examples/yolov5"], { cwd: REPO_ROOT });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("error: missing `-i image=@file` (required input)\n");
  });
});

describe("serve-cli openapi on a predictor whose weights are nowhere", () => {
  it("prints the document without looking for or downloading weights (only setup does)", async () => {
    const empty = mkdtempSync(join(tmpdir(), "servekit-no-weights-"));
    try {
      const result = await runCli(["openapi", "examples/yolov5"], {
        cwd: REPO_ROOT,
        env: {
          SERVEKIT_WEIGHTS_DIR: join(empty, "missing"),
          SERVEKIT_SHARED_DIR: join(empty, "no-shared"),
          SERVEKIT_CACHE_DIR: join(empty, "cache"),
        },
      });
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout).components.schemas.Input.required).toContain("image");
      expect(existsSync(join(empty, "cache"))).toBe(false);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe("serve-cli compose: where the file lands", () => {
  // A project folder outside the fixtures (they stay clean), whose predictor is the echo fixture.
  let project: string;
  let elsewhere: string;
  beforeAll(() => {
    project = mkdtempSync(join(FIXTURES, "..", ".compose-project-"));
    writeFileSync(
      join(project, "serve.config.ts"),
      'export default { entry: "../fixtures/echo/predictor.ts" };\n',
    );
    elsewhere = mkdtempSync(join(tmpdir(), "servekit-compose-cwd-"));
  });
  afterAll(() => {
    rmSync(project, { recursive: true, force: true });
    rmSync(elsewhere, { recursive: true, force: true });
  });

  it("writes docker-compose.yml beside the target's serve.config.ts, not in the current directory", async () => {
    const result = await runCli(["compose", project, "-t", "cli-echo:1"], { cwd: elsewhere });
    expect(result.stderr).toContain("wrote ");
    expect(result.code).toBe(0);
    expect(existsSync(join(project, "docker-compose.yml"))).toBe(true);
    expect(existsSync(join(elsewhere, "docker-compose.yml"))).toBe(false);
    rmSync(join(project, "docker-compose.yml"));
  });

  it("reads paths from where the user typed them under `pnpm serve-cli` (the root script runs in the root)", async () => {
    const sub = join(project, "out");
    mkdirSync(sub, { recursive: true });
    // What pnpm sets when it runs the workspace root's "serve-cli" script from `project`.
    const result = await runCli(["compose", ".", "-t", "cli-echo:1", "-o", "out/compose.yml"], {
      cwd: REPO_ROOT,
      env: { npm_lifecycle_event: "serve-cli", INIT_CWD: project },
    });
    expect(result.stderr).toContain("wrote out/compose.yml");
    expect(result.code).toBe(0);
    expect(existsSync(join(sub, "compose.yml"))).toBe(true);
    expect(existsSync(join(REPO_ROOT, "out"))).toBe(false);
  });
});

describe("createProgram", () => {
  it("lists each command by the same summary whether its module was imported or not", async () => {
    const full = await createProgram("0.0.0");
    for (const { name, summary } of COMMANDS) {
      expect(full.commands.find((c) => c.name() === name)?.description(), name).toBe(summary);
    }
    const lazy = await createProgram("0.0.0", ["node", "serve-cli", "--version"]);
    expect(lazy.commands.map((c) => c.name())).toEqual(COMMANDS.map((c) => c.name));
  });
});
