import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sharedModelsDir } from "./shared-models-dir.js";

describe("sharedModelsDir", () => {
  let shared: string;

  beforeEach(async () => {
    shared = await mkdtemp(join(tmpdir(), "servekit-shared-"));
  });
  afterEach(() => rm(shared, { recursive: true, force: true }));

  it("is the models folder of SERVEKIT_SHARED_DIR when it exists", async () => {
    expect(sharedModelsDir({ SERVEKIT_SHARED_DIR: shared })).toBeUndefined();
    await mkdir(join(shared, "models"));
    expect(sharedModelsDir({ SERVEKIT_SHARED_DIR: shared })).toBe(join(shared, "models"));
  });

  it("gives way to SERVEKIT_WEIGHTS_DIR", async () => {
    await mkdir(join(shared, "models"));
    const env = { SERVEKIT_SHARED_DIR: shared, SERVEKIT_WEIGHTS_DIR: "/data/weights" };
    expect(sharedModelsDir(env)).toBeUndefined();
  });
});
