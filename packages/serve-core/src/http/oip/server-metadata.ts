import { createRequire } from "node:module";

/** `$metadata_server_response`. */
export interface ServerMetadata {
  name: string;
  version: string;
  /** Protocol extensions supported: none (no binary tensor data, no model repository). */
  extensions: string[];
}

let metadata: ServerMetadata | undefined;

/**
 * What `GET /v2` answers: servekit, @servekit/core's version (read once from
 * its package.json, by the package's own name, so it holds in `src/` and
 * `dist/` alike; "0.x" should that fail), and no extensions.
 *
 * @example
 * serverMetadata() // { name: "servekit", version: "0.1.0", extensions: [] }
 */
export function serverMetadata(): ServerMetadata {
  metadata ??= { name: "servekit", version: coreVersion(), extensions: [] };
  return metadata;
}

function coreVersion(): string {
  try {
    const manifest = createRequire(import.meta.url)("@servekit/core/package.json") as {
      version?: unknown;
    };
    return typeof manifest.version === "string" ? manifest.version : "0.x";
  } catch {
    return "0.x";
  }
}
