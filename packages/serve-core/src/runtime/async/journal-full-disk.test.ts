import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { createApp } from "../../index.js";
import { fixturePredictor } from "../../test-support/fixture-predictor.js";
import { waitFinished } from "../../test-support/prediction-record.js";
import { JOURNAL_FILE } from "./prediction-journal.js";

const ASYNC = { "content-type": "application/json", prefer: "respond-async" };

/** A real 64 KiB tmpfs, so appends fail the way a full disk makes them fail. */
function mountTinyTmpfs(): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), "servekit-full-disk-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", dir], { stdio: "pipe" });
    return dir;
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    // CI must run it; elsewhere (no root) say why it did not.
    if (process.env.CI === "true") throw error;
    process.stderr.write(
      `journal-full-disk.test: skipped, cannot mount a tmpfs (needs root): ${(error as Error).message}\n`,
    );
    return undefined;
  }
}

/** Fills the file system at `dir` until a write fails; returns the filler's path. */
function fill(dir: string): string {
  const path = join(dir, "filler");
  const fd = openSync(path, "w");
  const block = Buffer.alloc(1024, 1);
  try {
    for (;;) writeSync(fd, block);
  } catch (error) {
    expect((error as NodeJS.ErrnoException).code).toBe("ENOSPC");
  } finally {
    closeSync(fd);
  }
  return path;
}

const dir = mountTinyTmpfs();

describe.skipIf(dir === undefined)("prediction journal on a full disk", () => {
  afterAll(() => {
    if (dir === undefined) return;
    execFileSync("umount", [dir]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("loses no later prediction after an append failed part-way through its line", async () => {
    const journalDir = dir as string;
    const options = { logLevel: "silent", metrics: false, journalDir } as const;
    const first = createApp(fixturePredictor, options);
    await first.lifecycle.ready;
    const post = (id: string, input: Record<string, unknown>) =>
      first.request(`/predictions/${id}`, {
        method: "PUT",
        headers: ASYNC,
        body: JSON.stringify({ input }),
      });
    try {
      expect((await post("before", { text: "before" })).status).toBe(202);
      await waitFinished(first, "before");
      // The journal's last page has room for part of a line, not a whole large one.
      const filler = fill(journalDir);
      const noise = randomBytes(64 * 64 * 3);
      const png = await sharp(noise, { raw: { width: 64, height: 64, channels: 3 } })
        .png()
        .toBuffer();
      const image = png.toString("base64");
      expect(image.length).toBeGreaterThan(8192);
      const refused = await post("torn", { text: "torn", image });
      expect(refused.status).toBe(503);
      expect(refused.headers.get("retry-after")).not.toBeNull();
      expect(readFileSync(join(journalDir, JOURNAL_FILE), "utf8")).toContain('"id":"torn"');

      rmSync(filler);
      expect((await post("after", { text: "after" })).status).toBe(202);
      await waitFinished(first, "after");
    } finally {
      await first.lifecycle.close();
    }

    const second = createApp(fixturePredictor, options);
    try {
      await second.lifecycle.ready;
      // Accepted after the torn line, so it must be there after a restart.
      expect(await waitFinished(second, "after")).toMatchObject({
        status: "succeeded",
        output: { text: "after" },
      });
      expect((await second.request("/predictions/before")).status).toBe(200);
      // Refused with 503, so never accepted: it is not replayed.
      expect((await second.request("/predictions/torn")).status).toBe(404);
    } finally {
      await second.lifecycle.close();
    }
  });
});
