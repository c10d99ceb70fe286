import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PredictorWeights } from "./target-weights.js";
import { verifyTable, verifyWeights } from "./verify-weights.js";

const BYTES = Buffer.from("the right weights");
const SHA = createHash("sha256").update(BYTES).digest("hex");

describe("verifyWeights", () => {
  let root: string;
  let entry: PredictorWeights;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "servekit-verify-"));
    for (const dir of ["override", "project", "cache"]) mkdirSync(join(root, dir));
    writeFileSync(join(root, "override", "model.bin"), BYTES);
    writeFileSync(join(root, "project", "model.bin"), "tampered");
    entry = {
      key: "tiny@1.0",
      projectRoot: root,
      declarations: {
        model: { url: "http://127.0.0.1:9/model.bin", sha256: SHA },
        labels: { url: "http://127.0.0.1:9/labels.txt", sha256: "cd".repeat(32) },
      },
      settings: {
        overrideDir: join(root, "override"),
        projectDir: join(root, "project"),
        cacheDir: join(root, "cache"),
        offline: true,
      },
    };
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("checks every local copy, and reports a file with none as missing", async () => {
    const rows = await verifyWeights([entry]);
    expect(rows.map(({ name, source, ok }) => ({ name, source, ok }))).toEqual([
      { name: "model", source: "override", ok: true },
      { name: "model", source: "project", ok: false },
      { name: "labels", source: "missing", ok: false },
    ]);
    const tampered = createHash("sha256").update("tampered").digest("hex");
    expect(rows[1]?.problem).toBe(
      `sha256 is ${tampered}, the predictor declares ${SHA}: replace the file, or fix the declaration`,
    );
    expect(rows[2]?.problem).toBe("no local copy: run `serve-cli weights pull` to download it");
  });

  it("prints ok, MISMATCH and MISSING lines with the place and the problem", async () => {
    const lines = verifyTable(await verifyWeights([entry])).split("\n");
    expect(lines[0]).toMatch(/^result\s+predictor\s+name\s+file\s+source\s+path$/);
    expect(lines[1]).toMatch(
      /^ok\s+tiny@1\.0\s+model\s+model\.bin\s+override\s+\S+override\/model\.bin$/,
    );
    expect(lines[2]).toMatch(
      /^MISMATCH\s+tiny@1\.0\s+model\s+model\.bin\s+project\s+\S+ \(sha256 is /,
    );
    expect(lines[3]).toMatch(
      /^MISSING\s+tiny@1\.0\s+labels\s+labels\.txt\s+missing\s+\(no local copy: /,
    );
  });
});
