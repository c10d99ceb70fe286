import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { FIXTURES, runCli } from "../test/run-cli.js";

describe("serve-cli compose", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "servekit-compose-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("writes a compose file named after the predictor, then refuses to overwrite it", async () => {
    const out = join(dir, "docker-compose.yml");
    const args = [
      "compose",
      join(FIXTURES, "echo"),
      "-t",
      "cli-echo:test",
      "--ui",
      "--host-port",
      "9000",
      "-e",
      "LOG_LEVEL=debug",
      "-o",
      out,
    ];
    const first = await runCli(args, { cwd: dir });
    expect(first.stderr).toContain("wrote");
    expect(first.code).toBe(0);
    const file = parse(await readFile(out, "utf8"));
    expect(file.services["cli-echo"]).toMatchObject({
      image: "cli-echo:test",
      ports: ["9000:8000"],
      environment: {
        PORT: "8000",
        SERVEKIT_CORS_ORIGIN: "http://localhost:8080,http://127.0.0.1:8080",
        LOG_LEVEL: "debug",
      },
      stop_grace_period: "35s",
    });
    expect(file.services["cli-echo-ui"].command).toContain("http://localhost:9000");

    await writeFile(out, "mine\n");
    const second = await runCli(args, { cwd: dir });
    expect(second.code).toBe(2);
    expect(second.stderr).toContain("already exists; pass --force to overwrite it");
    expect(await readFile(out, "utf8")).toBe("mine\n");

    const forced = await runCli([...args, "--force"], { cwd: dir });
    expect(forced.code).toBe(0);
    expect(await readFile(out, "utf8")).toContain("cli-echo-ui:");
  });

  it("prints to stdout with -o -, defaults the image like build does, and checks its flags", async () => {
    const printed = await runCli(["compose", "echo", "-t", "cli-echo:test", "-o", "-"]);
    expect(printed.code).toBe(0);
    expect(Object.keys(parse(printed.stdout).services)).toEqual(["cli-echo"]);

    const badPort = await runCli(["compose", "echo", "-t", "x:1", "--port", "0", "-o", "-"]);
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toContain("--port must be 1–65535, got 0");

    const defaults = await runCli(["compose", "echo", "-o", "-"]);
    expect(parse(defaults.stdout).services["cli-echo"].image).toBe("cli-echo:latest");

    const badEnv = await runCli(["compose", "echo", "-e", "NOVALUE", "-o", "-"]);
    expect(badEnv.code).toBe(2);
    expect(badEnv.stderr).toContain("--env takes NAME=value");
  });
});
