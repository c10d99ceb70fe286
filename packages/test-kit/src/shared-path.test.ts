import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { sharedPath } from "./shared-path.js";

describe("sharedPath", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("points beside the repository when SERVEKIT_SHARED_DIR is unset", () => {
    vi.stubEnv("SERVEKIT_SHARED_DIR", undefined);
    const repoRoot = join(import.meta.dirname, "../../..");
    expect(existsSync(join(repoRoot, "pnpm-workspace.yaml"))).toBe(true);
    expect(sharedPath("images", "bus.jpg")).toBe(join(repoRoot, "../shared/images/bus.jpg"));
  });

  it("follows SERVEKIT_SHARED_DIR, read at each call", () => {
    vi.stubEnv("SERVEKIT_SHARED_DIR", "/data/shared");
    expect(sharedPath("models")).toBe("/data/shared/models");
    expect(sharedPath()).toBe("/data/shared");
  });
});
