import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Handler } from "hono";

export interface PackageAssetsOptions {
  /** The npm package holding the files, e.g. "swagger-ui-dist". */
  packageName: string;
  /** Folder inside the package. @default "" */
  subdir?: string;
  /** The files served, by name, with their Content-Type; anything else is 404. */
  files: Record<string, string>;
  cacheControl: string;
}

/**
 * A handler for `…/:asset` serving a fixed set of files shipped in an npm
 * package (Swagger UI, the playground bundle). Each file is read once, on
 * first request, then served from memory.
 */
export function packageAssets(options: PackageAssetsOptions): Handler {
  const cache = new Map<string, Promise<Uint8Array<ArrayBuffer>>>();
  const dir = () =>
    join(
      dirname(createRequire(import.meta.url).resolve(`${options.packageName}/package.json`)),
      options.subdir ?? "",
    );
  return async function serveAsset(c) {
    const name = c.req.param("asset") ?? "";
    const type = options.files[name];
    if (!type) return c.notFound();
    let body = cache.get(name);
    if (!body) {
      body = readFile(join(dir(), name)).then((file) => new Uint8Array(file));
      cache.set(name, body);
      body.catch(() => cache.delete(name));
    }
    c.header("Cache-Control", options.cacheControl);
    return c.body(await body, 200, { "Content-Type": type });
  };
}
