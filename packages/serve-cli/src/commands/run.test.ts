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
