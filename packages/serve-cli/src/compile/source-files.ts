import { readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";

/** Where `serve-cli compile` writes, relative to the project folder. */
export const BUILD_DIR = join(".servekit", "build");

const TYPESCRIPT = /\.(ts|mts|tsx)$/;
const SKIPPED = /(\.d\.(ts|mts)|\.(test|spec)\.(ts|mts|tsx))$/;

/**
 * Whether a project-relative path is a source `serve-cli compile` transpiles:
 * TypeScript, but no declaration file and no test.
 *
 * @example
 * isCompiledSource("src/predictor.ts"); // true
 * isCompiledSource("src/predictor.test.ts"); // false
 */
export function isCompiledSource(path: string): boolean {
  return TYPESCRIPT.test(path) && !SKIPPED.test(path);
}

/**
 * Whether `serve-cli compile` looks inside a folder of that name: never in
 * node_modules or a dot-folder (.git, .servekit, .venv).
 *
 * @example
 * isSearchedFolder("src"); // true
 * isSearchedFolder("node_modules"); // false
 */
export function isSearchedFolder(name: string): boolean {
  return name !== "node_modules" && !name.startsWith(".");
}

/**
 * The TypeScript sources of a project folder, as sorted paths relative to it
 * with `/` separators.
 *
 * @example
 * listSources("examples/yolov5"); // ["serve.config.ts", "src/predictor.ts", …]
 */
export function listSources(projectDir: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (isSearchedFolder(entry.name)) walk(path);
      } else if (entry.isFile() && isCompiledSource(entry.name)) {
        found.push(relative(projectDir, path).split(sep).join("/"));
      }
    }
  };
  walk(projectDir);
  return found.sort();
}
