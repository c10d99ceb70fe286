import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Handler } from "hono";

export interface BundledAssetsOptions {
  /** Folder under the package's `dist/assets/`, e.g. "docs" (Swagger UI) or "ui" (the playground). */
  folder: string;
  /** The files served, by name, with their Content-Type; anything else is 404. */
  files: Record<string, string>;
  cacheControl: string;
}

/**
 * The folder of @servekit/core's package.json: the same whether this code
 * runs from `dist/` (a chunk at its top) or from `src/http/routes/` (the tests).
 */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("@servekit/core: no package.json above its own code");
    dir = parent;
  }
  return dir;
}

/**
 * A handler for `…/:asset` serving a fixed set of browser files that the
 * build copied into `dist/assets` (Swagger UI, the playground bundle). Each
 * file is read once, on first request, then served from memory.
 */
export function bundledAssets(options: BundledAssetsOptions): Handler {
  const cache = new Map<string, Promise<Uint8Array<ArrayBuffer>>>();
  const dir = join(packageRoot(), "dist", "assets", options.folder);
  return async function serveBundledAsset(c) {
    const name = c.req.param("asset") ?? "";
    // Own keys only: "constructor" or "toString" are not assets.
    if (!Object.hasOwn(options.files, name)) return c.notFound();
    let body = cache.get(name);
    if (!body) {
      body = readFile(join(dir, name)).then((file) => new Uint8Array(file));
      cache.set(name, body);
      body.catch(() => cache.delete(name));
    }
    c.header("Cache-Control", options.cacheControl);
    return c.body(await body, 200, { "Content-Type": options.files[name]! });
  };
}
