import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../test/run-cli.js";

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
