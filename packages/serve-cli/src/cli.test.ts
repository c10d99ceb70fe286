import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, sharedPath } from "@servekit/test-kit";
import { describe, expect, it } from "vitest";
import { BIN, REPO_ROOT, runCli, startCli } from "../test/run-cli.js";

const shared = sharedPath();

describe("serve-cli basics", () => {
  it("prints help with examples for the program and every command", async () => {
    const top = await runCli(["--help"]);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/init[\s\S]*run[\s\S]*predict[\s\S]*openapi/);
    for (const command of ["init", "run", "predict", "openapi", "ui", "bench"]) {
      const help = await runCli([command, "--help"]);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain("Examples:");
    }
  });

  it("prints its version", async () => {
    const result = await runCli(["--version"]);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("exits 2 with a helpful message on an unknown flag", async () => {
    const result = await runCli(["predict", "--nope"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option '--nope'");
  });
});

describe("serve-cli predict (in-process)", () => {
  it("coerces -i values through the input schema and prints the output", async () => {
    const result = await runCli([
      "predict",
      "echo/predictor.ts",
      "-i",
      "text=hi",
      "-i",
      "times=3",
      "-i",
      "shout=true",
      "-i",
      'tags=["a","b"]',
      "-i",
      "mode=fancy",
    ]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      text: "*HIHIHI*",
      tags: ["a", "b"],
      attachment_bytes: 0,
    });
  });

  it("reads a file into a file input with key=@path", async () => {
    const result = await runCli([
      "predict",
      "echo",
      "-i",
      "text=x",
      "-i",
      "attachment=@echo/serve.config.ts",
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).attachment_bytes).toBeGreaterThan(20);
  });

  it("picks a named export with file:export", async () => {
    const result = await runCli(["predict", "echo/predictor.ts:other"]);
    expect(JSON.parse(result.stdout)).toEqual({ ok: true });
  });

  it("exits 2 naming the field for an unknown input or a bad value", async () => {
    const unknown = await runCli(["predict", "echo/predictor.ts", "-i", "colour=red"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(
      "unknown input field `colour`; the inputs are: text, times, shout, tags, mode, attachment",
    );
    const bad = await runCli(["predict", "echo/predictor.ts", "-i", "text=x", "-i", "times=9"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/`times`: Too big: expected number to be <=5/);
    const malformed = await runCli(["predict", "echo/predictor.ts", "-i", "text"]);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain("-i expects key=value");
  });

  it("points at the file and line of a TypeScript syntax error, without a stack", async () => {
    const result = await runCli(["predict", "broken/predictor.ts", "-i", "text=x"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/could not load .*broken\/predictor\.ts/);
    expect(result.stderr).toMatch(/predictor\.ts:7:\d+: .*Unexpected/);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it("reports an invalid serve.config.ts with every field path, exit 2", async () => {
    const result = await runCli(["predict", "bad-config", "-i", "text=x"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/serve\.config\.ts is invalid:\n- `port`: .*65535\n- .*workrs/);
  });

  it("exits 1 with the setup error when setup fails", async () => {
    const result = await runCli(["predict", "echo", "-i", "text=x"], {
      env: { ECHO_SETUP_FAIL: "1" },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("setup of cli-echo failed: echo weights missing");
  });

  it("detects the people and the bus in bus.jpg with the YOLOv5 example", async () => {
    const result = await runCli(
      ["predict", "examples/yolov5", "-i", `image=@${join(shared, "images/bus.jpg")}`],
      { cwd: REPO_ROOT },
    );
    expect(result.code).toBe(0);
    const labels = JSON.parse(result.stdout).detections.map((d: { label: string }) => d.label);
    expect(labels).toEqual(["person", "person", "person", "bus"]);
  });
});

describe("serve-cli openapi", () => {
  it("prints the document with the predictor's input schema", async () => {
    const result = await runCli(["openapi", "echo"]);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.components.schemas.Input.properties)).toContain("times");
  });
});

describe("serve-cli run", () => {
  it("serves a directory with serve.config.ts, answers --url predictions, and exits 0 on SIGTERM", async () => {
    const { child, url, result } = await startCli([
      "run",
      "echo",
      "--port",
      "0",
      "--host",
      "127.0.0.1",
    ]);
    const health = await (await fetch(`${url}/health`)).json();
    expect(health.status).toBe("READY");

    const remote = await runCli([
      "predict",
      "--url",
      url,
      "-i",
      "text=yo",
      "-i",
      "times=2",
      "-i",
      'tags=["t"]',
    ]);
    expect(remote.code).toBe(0);
    expect(JSON.parse(remote.stdout)).toEqual({ text: "yoyo", tags: ["t"], attachment_bytes: 0 });
    const badRemote = await runCli(["predict", "--url", url, "-i", "text=yo", "-i", "times=0"]);
    expect(badRemote.code).toBe(2);
    expect(badRemote.stderr).toContain("`times`");

    child.kill("SIGTERM");
    expect((await result).code).toBe(0);
  });

  it("exits non-zero with the setup error when setup fails", async () => {
    const result = await runCli(["run", "echo", "--port", "0"], { env: { ECHO_SETUP_FAIL: "1" } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("setup of cli-echo failed: echo weights missing");
    expect(result.stderr).toContain("echo setup");
  });

  it("serves with worker threads loading the TypeScript predictor", async () => {
    const { child, url, result } = await startCli([
      "run",
      "echo",
      "--port",
      "0",
      "--host",
      "127.0.0.1",
      "--workers",
      "2",
    ]);
    const res = await fetch(`${url}/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text: "w" }),
    });
    expect(await res.json()).toMatchObject({ text: "w" });
    child.kill("SIGTERM");
    expect((await result).code).toBe(0);
  });

  it("serves a module that calls serve() itself once, with its options under the flags", async () => {
    const ownPort = await freePort();
    const { child, url, result } = await startCli(
      ["run", "serves-itself/main.ts", "--port", "0", "--host", "127.0.0.1"],
      { env: { SELF_SERVE_PORT: String(ownPort) } },
    );
    const res = await fetch(`${url}/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "ada" }),
    });
    expect(await res.json()).toEqual({ greeting: "hello ada" });
    // The module's own options apply (docs: false, one worker) …
    expect((await fetch(`${url}/docs`)).status).toBe(404);
    expect(await (await fetch(`${url}/health`)).json()).toMatchObject({ status: "READY" });
    // … but the port it asked for stays free: no second server.
    await expect(fetch(`http://127.0.0.1:${ownPort}/health`)).rejects.toThrow();
    child.kill("SIGTERM");
    const { code, stderr } = await result;
    expect(code).toBe(0);
    expect(stderr.match(/servekit · self-serving/g)).toHaveLength(1);
  });

  it("says how to fix a predictor in a CommonJS package", async () => {
    const dir = mkdtempSync(join(tmpdir(), "servekit-cjs-"));
    try {
      writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "cjs", version: "1.0.0" }));
      writeFileSync(
        join(dir, "predictor.ts"),
        'import { definePredictor, z } from "@servekit/core";\nexport const predictor = definePredictor({ name: "cjs", input: z.object({}), output: z.object({}), predict: () => ({}) });\n',
      );
      // Resolve @servekit/core from the workspace, as an installed project would.
      symlinkSync(join(REPO_ROOT, "packages/serve-cli/node_modules"), join(dir, "node_modules"));
      const result = await runCli(["predict", "predictor.ts"], { cwd: dir });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('does not say "type": "module"');
      expect(result.stderr).toContain("npm pkg set type=module");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("serve-cli ui (standalone)", () => {
  it("serves the playground pointed at a remote backend that allows it by CORS", async () => {
    const backend = await startCli(["run", "echo", "--port", "0", "--host", "127.0.0.1"]);
    const ui = spawn(
      process.execPath,
      [BIN, "ui", "--url", backend.url, "--port", "0", "--host", "127.0.0.1"],
      {
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    try {
      const uiUrl = await new Promise<string>((resolve) => {
        let text = "";
        ui.stderr.on("data", (chunk) => {
          text += chunk;
          const match = /servekit UI\s+(\S+)\/ui/.exec(text);
          if (match) resolve(match[1]!);
        });
      });
      const html = await (await fetch(`${uiUrl}/ui`)).text();
      expect(html).toContain(`"apiUrl":"${backend.url}"`);
      expect((await fetch(`${uiUrl}/ui/app.js`)).status).toBe(200);
      const cors = await fetch(`${backend.url}/health`, { headers: { origin: uiUrl } });
      expect(cors.headers.get("access-control-allow-origin")).toBe("*");
    } finally {
      ui.kill("SIGTERM");
      backend.child.kill("SIGTERM");
      await backend.result;
    }
  });
});
