import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { WeightsLock } from "@servekit/core";
import { afterEach, describe, expect, it } from "vitest";
import { lockChanges, planWeightsLocks } from "./lock-plan.js";
import type { PredictorWeights } from "./target-weights.js";

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "servekit-lock-plan-"));
  made.push(dir);
  return dir;
}

const SHA = "ab".repeat(32);
const model = { url: "http://127.0.0.1:9/model.bin", sha256: SHA, size: 77_824 };

function entry(key: string, projectRoot: string | undefined): PredictorWeights {
  return {
    key,
    declarations: { model },
    projectRoot,
    settings: { cacheDir: join(projectRoot ?? tempDir(), "cache"), offline: true },
  };
}

describe("lockChanges", () => {
  const lock = (predictors: WeightsLock["predictors"]): WeightsLock => ({
    lockfileVersion: 1,
    predictors,
  });

  it("lists added, removed and changed files, one line each", () => {
    const before = lock({ "tiny@1.0": { model }, "old@1": { model } });
    const after = lock({ "tiny@1.0": { model: { ...model, size: 10 } }, "new@2": { model } });
    expect(lockChanges(before, after)).toEqual([
      `+ new@2 model: http://127.0.0.1:9/model.bin (76.0 KB, sha256 ${SHA.slice(0, 12)}…)`,
      `- old@1 model: http://127.0.0.1:9/model.bin (76.0 KB, sha256 ${SHA.slice(0, 12)}…)`,
      "~ tiny@1.0 model: size 77824 → 10",
    ]);
    expect(lockChanges(after, after)).toEqual([]);
  });
});

describe("planWeightsLocks", () => {
  it("plans one lock per project from the declarations, with what changes against the one there", async () => {
    const root = tempDir();
    writeFileSync(
      join(root, "weights.lock"),
      JSON.stringify({ lockfileVersion: 1, predictors: { "old@1": { model } } }),
    );
    const [plan, ...others] = await planWeightsLocks([entry("tiny@1.0", root)]);
    expect(others).toEqual([]);
    expect(plan?.file).toBe(join(root, "weights.lock"));
    // old@1 is not served by this target: its entry stays.
    expect(plan?.after).toEqual({
      lockfileVersion: 1,
      predictors: { "old@1": { model }, "tiny@1.0": { model } },
    });
    expect(plan?.changes.map((line) => line.slice(0, 16))).toEqual(["+ tiny@1.0 model"]);
  });

  it("empties the lock of a project whose predictors declare weights no more", async () => {
    const root = tempDir();
    writeFileSync(
      join(root, "weights.lock"),
      JSON.stringify({ lockfileVersion: 1, predictors: { "tiny@1.0": { model } } }),
    );
    const [plan] = await planWeightsLocks([{ ...entry("tiny@1.0", root), declarations: {} }]);
    expect(plan?.after).toEqual({ lockfileVersion: 1, predictors: {} });
    expect(plan?.changes).toHaveLength(1);
  });

  it("plans nothing where nothing declares weights and there is no lock", async () => {
    expect(await planWeightsLocks([{ ...entry("bare@1", tempDir()), declarations: {} }])).toEqual(
      [],
    );
  });

  it("asks for a package.json when a predictor has no project root", async () => {
    await expect(planWeightsLocks([entry("tiny@1.0", undefined)])).rejects.toThrow(
      /tiny@1\.0 declares weights but no package\.json was found above its module: .*add one/,
    );
  });

  it("pulls a file whose size is not declared, offline failing with what to do", async () => {
    const root = tempDir();
    const { size: _size, ...unsized } = model;
    await expect(
      planWeightsLocks([{ ...entry("tiny@1.0", root), declarations: { model: unsized } }]),
    ).rejects.toThrow(
      /tiny@1\.0 model declares no size and could not be pulled to measure it: .*SERVEKIT_OFFLINE/s,
    );
  });
});
