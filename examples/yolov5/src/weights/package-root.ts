import { existsSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";

/**
 * The nearest folder at or above `startDir` that holds `marker`, or
 * `undefined` when none does. Walking up (rather than a fixed `../..`) keeps
 * the answer right whether the caller runs from `src/weights/` under tsx or
 * from a bundled `dist/`.
 *
 * @example
 * findUp(fileURLToPath(new URL(".", import.meta.url)), "package.json"); // the package root
 */
export function findUp(startDir: string, marker: string): string | undefined {
  let dir = resolve(startDir);
  for (;;) {
    if (existsSync(join(dir, marker))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * The root of the package a module belongs to, from the module's folder: the
 * parent of the nearest `src/` or `dist/` above it (so it works under tsx and
 * from a bundle, even where no package.json was copied), else the nearest
 * folder with a package.json.
 *
 * @example
 * packageRootOf("/repo/examples/yolov5/src/weights"); // "/repo/examples/yolov5"
 */
export function packageRootOf(moduleDir: string): string | undefined {
  let dir = resolve(moduleDir);
  for (;;) {
    const name = basename(dir);
    if (name === "src" || name === "dist") return dirname(dir);
    const parent = dirname(dir);
    if (parent === dir) return findUp(moduleDir, "package.json");
    dir = parent;
  }
}
