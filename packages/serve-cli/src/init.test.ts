import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT, runCli } from "../test/run-cli.js";

describe("serve-cli init", () => {
  const parent = mkdtempSync(join(tmpdir(), "servekit-init-"));
  const project = join(parent, "word-counter");
  afterAll(() => rmSync(parent, { recursive: true, force: true }));

  it("scaffolds a project that installs, passes its own test, and predicts", async () => {
    const init = await runCli(["init", project, "--servekit-from", REPO_ROOT], { cwd: parent });
    expect(init.code).toBe(0);
    for (const file of [
      "package.json",
      "predictor.ts",
      "serve.config.ts",
      "predictor.test.ts",
      "README.md",
    ]) {
      expect(existsSync(join(project, file))).toBe(true);
    }
    expect(JSON.parse(readFileSync(join(project, "package.json"), "utf8")).name).toBe(
      "word-counter",
    );

    const npm = (args: string[]) =>
      execFileSync("npm", args, {
        cwd: project,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        timeout: 240_000,
      });
    npm(["install", "--no-audit", "--no-fund", "--prefer-offline"]);
    expect(npm(["test"])).toMatch(/2 passed/);

    const predicted = npm([
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
    const again = await runCli(["init", project], { cwd: parent });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("is not empty");
  });
});
