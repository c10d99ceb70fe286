// Where the benches find their scripts and put what they write (git-ignored .cache/).
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** This folder, with a trailing slash. */
export const here = fileURLToPath(new URL(".", import.meta.url));

/** Trained model files and server logs; git-ignored. */
export const cacheDir = `${here}.cache/`;

/**
 * The log file a server's output goes to, `.cache/logs/<name>.log`.
 *
 * @example
 * spawnServer({ script, logFile: logFile("echo-servekit") });
 */
export function logFile(name: string): string {
  mkdirSync(`${cacheDir}logs`, { recursive: true });
  return `${cacheDir}logs/${name}.log`;
}
