import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../config-error.js";
import { projectRootOf, resolveWeightsSettings } from "./weights-settings.js";

describe("resolveWeightsSettings", () => {
  it("reads SERVEKIT_WEIGHTS_DIR, SERVEKIT_CACHE_DIR and SERVEKIT_OFFLINE from the given env", () => {
    const settings = resolveWeightsSettings({
      projectRoot: "/srv/app",
      env: {
        SERVEKIT_WEIGHTS_DIR: "/data/weights",
        SERVEKIT_CACHE_DIR: "/data/cache",
        SERVEKIT_OFFLINE: "yes",
      },
    });
    expect(settings).toEqual({
      overrideDir: resolve("/data/weights"),
      projectDir: resolve("/srv/app/weights"),
      cacheDir: resolve("/data/cache"),
      offline: true,
    });
  });

  it("prefers the weightsDir option and falls back to the platform cache, online", () => {
    const settings = resolveWeightsSettings({
      weightsDir: "/opt/w",
      env: { SERVEKIT_WEIGHTS_DIR: "/data/w" },
    });
    expect(settings.overrideDir).toBe(resolve("/opt/w"));
    expect(settings.projectDir).toBeUndefined();
    expect(settings.cacheDir).toMatch(/servekit/);
    expect(settings.offline).toBe(false);
  });

  it("rejects an unclear SERVEKIT_OFFLINE value, saying which values work", () => {
    expect(() => resolveWeightsSettings({ env: { SERVEKIT_OFFLINE: "maybe" } })).toThrow(
      ConfigError,
    );
    expect(() => resolveWeightsSettings({ env: { SERVEKIT_OFFLINE: "maybe" } })).toThrow(
      /SERVEKIT_OFFLINE` must be 1, true, yes or on/,
    );
  });
});

describe("projectRootOf", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "servekit-root-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("finds the nearest folder with a package.json above a module URL", async () => {
    await mkdir(join(dir, "src", "models"), { recursive: true });
    await writeFile(join(dir, "package.json"), "{}");
    const module = join(dir, "src", "models", "predictor.ts");
    await writeFile(module, "");
    expect(projectRootOf(pathToFileURL(module).href)).toBe(dir);
    expect(projectRootOf(join(dir, "src"))).toBe(dir);
  });
});
