import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { BUILD_DIR, listSources } from "./source-files.js";

/** One compiled source, as `serve-cli compile` saw it. */
export interface SourceRecord {
  /** Relative to the project folder, `/`-separated. */
  path: string;
  size: number;
  /** sha256 of the content, hex: copies (an image's COPY) keep it where they may not keep mtimes. */
  sha256: string;
}

/** A compiled source with what it imports. */
export interface CompiledSource extends SourceRecord {
  /** The project's sources it imports (relative imports), as project-relative source paths. */
  imports: string[];
  /**
   * Packages it imports that ship TypeScript (a workspace package exporting
   * `./src/x.ts`): only tsx loads them.
   */
  typeScriptPackages: string[];
}

/** What `.servekit/build/manifest.json` holds. */
export interface BuildManifest {
  /** The format of this file. */
  version: 2;
  compiledAt: string;
  sources: CompiledSource[];
}

/** Whether a build still matches its sources, and if not, why. */
export type BuildFreshness = { fresh: true } | { fresh: false; reason: string };

const MANIFEST = "manifest.json";

/**
 * Compares a build's manifest with the sources as they are now: fresh when
 * the same files are there with the same content.
 *
 * @example
 * buildFreshness(manifest, recordSources(dir)); // { fresh: false, reason: "src/a.ts changed" }
 */
export function buildFreshness(
  manifest: Pick<BuildManifest, "sources">,
  current: readonly SourceRecord[],
): BuildFreshness {
  const compiled = new Map(manifest.sources.map((s) => [s.path, s]));
  for (const source of current) {
    const then = compiled.get(source.path);
    if (!then) return { fresh: false, reason: `${source.path} is new` };
    if (then.size !== source.size || then.sha256 !== source.sha256)
      return { fresh: false, reason: `${source.path} changed` };
    compiled.delete(source.path);
  }
  const [gone] = compiled.keys();
  return gone === undefined ? { fresh: true } : { fresh: false, reason: `${gone} is gone` };
}

/**
 * Each TypeScript source of a project folder with its size and content hash
 * (a project's sources are a few hundred KB at most: hashing them takes milliseconds).
 *
 * @example
 * recordSources("examples/yolov5")[0]; // { path: "serve.config.ts", size: 612, sha256: "…" }
 */
export function recordSources(projectDir: string): SourceRecord[] {
  return listSources(projectDir).map((path) => {
    const content = readFileSync(join(projectDir, path));
    const sha256 = createHash("sha256").update(content).digest("hex");
    return { path, size: content.length, sha256 };
  });
}

/** The build folder of a project folder. */
export function buildDirOf(projectDir: string): string {
  return join(projectDir, BUILD_DIR);
}

/** The path of a build's manifest. */
export function manifestPathOf(projectDir: string): string {
  return join(buildDirOf(projectDir), MANIFEST);
}

/**
 * A project's build manifest, or undefined when it has no build (or one
 * this version cannot read).
 *
 * @example
 * const manifest = readManifest("examples/yolov5");
 */
export function readManifest(projectDir: string): BuildManifest | undefined {
  const file = manifestPathOf(projectDir);
  if (!existsSync(file)) return undefined;
  try {
    const manifest = JSON.parse(readFileSync(file, "utf8")) as BuildManifest;
    return manifest.version === 2 && Array.isArray(manifest.sources) ? manifest : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The TypeScript-shipping packages a source reaches through the project's
 * own imports: empty when the build runs without tsx from there.
 *
 * @example
 * typeScriptPackagesReached(manifest, "src/predictor.ts"); // ["@servekit/example-yolov5"]
 */
export function typeScriptPackagesReached(
  manifest: Pick<BuildManifest, "sources">,
  path: string,
): string[] {
  const byPath = new Map(manifest.sources.map((s) => [s.path, s]));
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (at: string) => {
    const source = byPath.get(at);
    if (!source || seen.has(at)) return;
    seen.add(at);
    for (const name of source.typeScriptPackages) packages.add(name);
    source.imports.forEach(visit);
  };
  visit(path);
  return [...packages].sort();
}
