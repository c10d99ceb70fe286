import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WeightsError } from "./weights-error.js";
import {
  lockProblems,
  readWeightsLock,
  verifyWeightsFile,
  WEIGHTS_LOCK_FILE,
  type WeightsLock,
  writeWeightsLock,
} from "./weights-lock.js";

const a = "a".repeat(64);
const b = "b".repeat(64);

describe("weights.lock", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "servekit-lock-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("writes sorted 2-space JSON with a final newline and reads it back", async () => {
    const lock: WeightsLock = {
      lockfileVersion: 1,
      predictors: {
        "yolo@2": { model: { size: 3, sha256: a.toUpperCase(), url: "https://e.com/m" } },
        "echo@1": {
          z: { url: "https://e.com/z", sha256: b, size: 1 },
          a: { url: "https://e.com/a", sha256: a, size: 2 },
        },
      },
    };
    const path = writeWeightsLock(dir, lock);
    expect(path).toBe(join(dir, WEIGHTS_LOCK_FILE));
    const text = await readFile(path, "utf8");
    expect(text.endsWith("}\n")).toBe(true);
    expect(text.indexOf('"echo@1"')).toBeLessThan(text.indexOf('"yolo@2"'));
    expect(text.indexOf('"a"')).toBeLessThan(text.indexOf('"z"'));
    expect(text).toContain(
      `{\n  "lockfileVersion": 1,\n  "predictors": {\n    "echo@1": {\n      "a": {\n        "url"`,
    );
    expect(readWeightsLock(dir)?.predictors["yolo@2"]?.model?.sha256).toBe(a);
  });

  it("is undefined when absent, and a WeightsError saying how to fix it when malformed", async () => {
    expect(readWeightsLock(dir)).toBeUndefined();
    await writeFile(join(dir, WEIGHTS_LOCK_FILE), "{ nope");
    expect(() => readWeightsLock(dir)).toThrow(WeightsError);
    expect(() => readWeightsLock(dir)).toThrow(/is not valid JSON .*run `serve-cli weights lock`/);
    await writeFile(
      join(dir, WEIGHTS_LOCK_FILE),
      JSON.stringify({ lockfileVersion: 2, predictors: {} }),
    );
    expect(() => readWeightsLock(dir)).toThrow(/is malformed at lockfileVersion/);
  });

  it("lists where declarations and the lock disagree, and nothing when they agree", () => {
    const lock: WeightsLock = {
      lockfileVersion: 1,
      predictors: {
        "yolo@1": {
          model: { url: "https://e.com/m", sha256: a, size: 3 },
          old: { url: "https://e.com/o", sha256: b, size: 1 },
        },
      },
    };
    expect(
      lockProblems(
        "yolo@1",
        {
          model: { url: "https://e.com/m", sha256: a },
          old: { url: "https://e.com/o", sha256: b, size: 1 },
        },
        lock,
      ),
    ).toEqual([]);
    expect(
      lockProblems(
        "yolo@1",
        {
          model: { url: "https://e.com/m2", sha256: b, size: 4 },
          labels: { url: "https://e.com/l", sha256: a },
        },
        lock,
      ),
    ).toEqual([
      'weights "model" of yolo@1: url is https://e.com/m2, weights.lock has https://e.com/m',
      `weights "model" of yolo@1: sha256 is ${b}, weights.lock has ${a}`,
      'weights "model" of yolo@1: size is 4, weights.lock has 3',
      'weights "labels" of yolo@1 is declared but not in weights.lock',
      'weights "old" of yolo@1 is in weights.lock but no longer declared',
    ]);
    expect(lockProblems("yolo@2", {}, lock)).toEqual(["weights.lock has no entry for yolo@2"]);
  });

  it("verifyWeightsFile reports the sha256 and size it found", async () => {
    const path = join(dir, "f.bin");
    await writeFile(path, "hello");
    const sha256 = createHash("sha256").update("hello").digest("hex");
    expect(await verifyWeightsFile(path, { url: "https://e.com/f", sha256, size: 5 })).toEqual({
      ok: true,
      sha256,
      size: 5,
    });
    expect((await verifyWeightsFile(path, { url: "https://e.com/f", sha256, size: 6 })).ok).toBe(
      false,
    );
    expect((await verifyWeightsFile(path, { url: "https://e.com/f", sha256: a })).ok).toBe(false);
  });
});
