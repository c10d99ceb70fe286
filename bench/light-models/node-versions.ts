// Versions of the Node packages the benches run, read from bench/node_modules.
import { readFileSync } from "node:fs";

const PACKAGES = ["@servekit/core", "hono", "@hono/node-server", "zod", "onnxruntime-node"];

/**
 * Each package's installed version, or "not installed".
 *
 * @example
 * peerNodeVersions(); // { "@servekit/core": "0.1.0", hono: "4.10.1", … }
 */
export function peerNodeVersions(): Record<string, string> {
  return Object.fromEntries(
    PACKAGES.map((name) => {
      try {
        const file = new URL(`../node_modules/${name}/package.json`, import.meta.url);
        return [name, (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version];
      } catch {
        return [name, "not installed"];
      }
    }),
  );
}
