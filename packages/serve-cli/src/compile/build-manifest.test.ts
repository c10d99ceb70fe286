import { describe, expect, it } from "vitest";
import {
  type BuildManifest,
  buildFreshness,
  type CompiledSource,
  type SourceRecord,
  typeScriptPackagesReached,
} from "./build-manifest.js";

const compiled: SourceRecord[] = [
  { path: "serve.config.ts", size: 100, sha256: "aa" },
  { path: "src/predictor.ts", size: 400, sha256: "bb" },
];
const manifest = { sources: compiled };

describe("buildFreshness", () => {
  it("is fresh while the same sources are there, unchanged", () => {
    expect(buildFreshness(manifest, compiled)).toEqual({ fresh: true });
  });

  it("is stale, naming the file, when a source changed, appeared or went away", () => {
    const [config, predictor] = compiled as [SourceRecord, SourceRecord];
    expect(buildFreshness(manifest, [config, { ...predictor, sha256: "cc" }])).toEqual({
      fresh: false,
      reason: "src/predictor.ts changed",
    });
    expect(buildFreshness(manifest, [config, { ...predictor, size: 401 }])).toEqual({
      fresh: false,
      reason: "src/predictor.ts changed",
    });
    expect(
      buildFreshness(manifest, [...compiled, { path: "src/helper.ts", size: 1, sha256: "dd" }]),
    ).toEqual({ fresh: false, reason: "src/helper.ts is new" });
    expect(buildFreshness(manifest, [predictor])).toEqual({
      fresh: false,
      reason: "serve.config.ts is gone",
    });
  });
});

describe("typeScriptPackagesReached", () => {
  const source = (path: string, imports: string[], typeScriptPackages: string[] = []) =>
    ({ path, size: 1, sha256: "", imports, typeScriptPackages }) satisfies CompiledSource;
  const manifest: BuildManifest = {
    version: 2,
    compiledAt: "2026-01-01T00:00:00Z",
    sources: [
      source("serve.config.ts", []),
      source("src/predictor.ts", ["src/model.ts", "src/predictor.ts"]),
      source("src/model.ts", ["src/predictor.ts"], ["@acme/weights"]),
      source("test/helpers.ts", ["src/predictor.ts"], ["@servekit/test-kit"]),
    ],
  };

  it("follows the project's imports, cycles included, to the packages only tsx loads", () => {
    expect(typeScriptPackagesReached(manifest, "src/predictor.ts")).toEqual(["@acme/weights"]);
    expect(typeScriptPackagesReached(manifest, "test/helpers.ts")).toEqual([
      "@acme/weights",
      "@servekit/test-kit",
    ]);
  });

  it("leaves out what the entry does not import, such as test helpers", () => {
    expect(typeScriptPackagesReached(manifest, "serve.config.ts")).toEqual([]);
  });
});
