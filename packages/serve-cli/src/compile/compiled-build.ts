import { existsSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { importModule } from "../import-module.js";
import {
  type BuildManifest,
  buildDirOf,
  buildFreshness,
  manifestPathOf,
  readManifest,
  recordSources,
  typeScriptPackagesReached,
} from "./build-manifest.js";
import { compiledPathOf } from "./output-path.js";
import { registerTsx } from "./register-tsx.js";

/** A user's module and the file it was imported from (its compiled build's, or itself). */
export interface ImportedUserModule {
  module: Record<string, unknown>;
  /** The file imported: the compiled `.js` when the project's build is fresh. */
  importedFile: string;
}

/** Set by `run --watch`: the watcher reloads sources, so a build must not stand in. */
export const NO_COMPILED_BUILD_ENV = "SERVEKIT_NO_COMPILED_BUILD";

const builds = new Map<string, BuildManifest | undefined>();
const announced = new Set<string>();
const notes: string[] = [];
let enabled = false;

/**
 * Lets {@link importUserModule} load compiled builds in this process; the
 * CLI turns it on for `run`, `predict`, `batch` and `consume`. Off, every
 * module loads from its source through tsx, as it always did.
 *
 * @example
 * useCompiledBuilds();
 */
export function useCompiledBuilds(): void {
  enabled = true;
}

/**
 * What the loads so far did with compiled builds, one line each: the build
 * that runs, a stale build passed over (with what changed), an entry that
 * needs tsx. Taken once: `run` prints them, one-off commands stay quiet.
 *
 * @example
 * for (const line of takeCompiledBuildNotes()) process.stderr.write(`${line}\n`);
 */
export function takeCompiledBuildNotes(): string[] {
  return notes.splice(0);
}

/**
 * Imports a predictor module or config file: from the project's compiled
 * build (`serve-cli compile`) when one is there and up to date with the
 * sources, without tsx; else the file itself, with tsx registered. Notes
 * once per project which of the two it runs, and why a build was passed
 * over ({@link takeCompiledBuildNotes}).
 *
 * @example
 * const { module, importedFile } = await importUserModule("/srv/app/src/predictor.ts");
 */
export async function importUserModule(file: string): Promise<ImportedUserModule> {
  const compiled = compiledFileFor(file);
  if (compiled) return { module: await importModule(compiled), importedFile: compiled };
  await registerTsx();
  return { module: await importModule(file), importedFile: file };
}

/** The compiled file that stands in for `file`, when its project's build is fresh. */
function compiledFileFor(file: string): string | undefined {
  if (!enabled || process.env[NO_COMPILED_BUILD_ENV]) return undefined;
  const projectDir = buildProjectOf(file);
  if (!projectDir) return undefined;
  const manifest = freshManifest(projectDir);
  const path = relative(projectDir, file).split(sep).join("/");
  if (!manifest?.sources.some((s) => s.path === path)) return undefined;
  const packages = typeScriptPackagesReached(manifest, path);
  if (packages.length > 0) {
    notes.push(
      `note: ${path} imports ${packages.join(", ")}, which only tsx loads (TypeScript exports): running the sources through tsx, not the compiled build`,
    );
    return undefined;
  }
  if (!announced.has(projectDir)) {
    announced.add(projectDir);
    notes.push(
      `running the compiled build in ${shown(buildDirOf(projectDir))} (${manifest.compiledAt})`,
    );
  }
  return join(buildDirOf(projectDir), compiledPathOf(path));
}

function shown(path: string): string {
  return relative(process.cwd(), path) || path;
}

/** The nearest folder above a file with a build, up to the one with package.json. */
function buildProjectOf(file: string): string | undefined {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (existsSync(manifestPathOf(dir))) return dir;
    if (existsSync(join(dir, "package.json")) || dirname(dir) === dir) return undefined;
  }
}

function freshManifest(projectDir: string): BuildManifest | undefined {
  if (builds.has(projectDir)) return builds.get(projectDir);
  const manifest = readManifest(projectDir);
  let fresh: BuildManifest | undefined;
  if (manifest) {
    const freshness = buildFreshness(manifest, recordSources(projectDir));
    if (freshness.fresh) fresh = manifest;
    else {
      notes.push(
        `warning: the compiled build in ${shown(buildDirOf(projectDir))} is stale (${freshness.reason}): running the sources through tsx; run \`serve-cli compile\` again`,
      );
    }
  }
  builds.set(projectDir, fresh);
  return fresh;
}
