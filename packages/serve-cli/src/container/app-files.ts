import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathPatterns, patternLines } from "./path-patterns.js";

/** Folders never copied into an image: installs, VCS data, tests, caches. */
const SKIPPED_DIRS = new Set([
  "node_modules",
  ".git",
  ".hg",
  ".svn",
  "test",
  "tests",
  "__tests__",
  "coverage",
  ".cache",
  ".servekit",
]);

/** Files never copied: tests, logs, secrets, install-only config. */
const SKIPPED_FILES = [
  /\.(?:test|spec)\.[^/]+$/,
  /\.log$/,
  /^\.env(?:\..+)?$/,
  /^\.npmrc$/,
  /^\.dockerignore$/,
  /^\.DS_Store$/,
];

export interface AppFilesOptions {
  /** The project (package) folder. */
  projectDir: string;
  /** package.json's `files`: when set, only what it allows (plus `alwaysInclude`) is copied. */
  files?: readonly string[];
  /** Relative paths copied whatever the patterns say: package.json, serve.config.*, the entry. */
  alwaysInclude?: readonly string[];
  /** Relative paths or folders never copied: dependency tarballs, weights, the context itself. */
  exclude?: readonly string[];
  /** Extra folder names skipped at every depth, e.g. "dist" when the image builds it. */
  skipDirs?: readonly string[];
}

/**
 * The project files an image's app layer needs: what package.json's `files`
 * allows if set, minus what the project's `.dockerignore` excludes, and
 * never node_modules, VCS data, tests (`*.test.*`, `test/`), logs or `.env`.
 * Returns sorted paths relative to the project, with forward slashes.
 *
 * @example
 * appFiles({ projectDir: "/home/me/echo", alwaysInclude: ["package.json"] });
 * // ["package.json", "predictor.ts", "serve.config.ts"]
 */
export function appFiles(options: AppFilesOptions): string[] {
  const { projectDir } = options;
  const dockerignore = join(projectDir, ".dockerignore");
  const ignored = pathPatterns(
    existsSync(dockerignore) ? patternLines(readFileSync(dockerignore, "utf8")) : [],
  );
  const allowed = options.files ? pathPatterns(options.files) : () => true;
  const always = new Set(options.alwaysInclude ?? []);
  const exclude = options.exclude ?? [];
  const skipDirs = new Set([...SKIPPED_DIRS, ...(options.skipDirs ?? [])]);
  const excluded = (path: string) =>
    exclude.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));

  const result: string[] = [];
  const walk = (relDir: string) => {
    const entries = readdirSync(join(projectDir, relDir), { withFileTypes: true });
    for (const entry of entries) {
      const path = relDir ? `${relDir}/${entry.name}` : entry.name;
      if (excluded(path)) continue;
      if (entry.isDirectory()) {
        if (!skipDirs.has(entry.name)) walk(path);
        continue;
      }
      if (always.has(path)) {
        result.push(path);
        continue;
      }
      if (SKIPPED_FILES.some((pattern) => pattern.test(entry.name))) continue;
      if (allowed(path) && !ignored(path)) result.push(path);
    }
  };
  walk("");
  return result.sort();
}
