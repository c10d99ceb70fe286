import { existsSync, statSync } from "node:fs";
import { dirname, join, parse, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import envPaths from "env-paths";
import { ConfigError } from "../config-error.js";

/**
 * Where declared weights are looked for, and whether they may be downloaded.
 * Resolve it once with {@link resolveWeightsSettings}.
 *
 * @example
 * const settings: WeightsSettings = { cacheDir: "/var/cache/servekit", offline: false };
 */
export interface WeightsSettings {
  /** Override folder: option `weightsDir`, else SERVEKIT_WEIGHTS_DIR (unset: skipped). Files used as they are. */
  overrideDir?: string;
  /** The project's own folder: "<project root>/weights" (project root = nearest package.json above the predictor module). */
  projectDir?: string;
  /** Content-addressed cache root: SERVEKIT_CACHE_DIR, else env-paths("servekit", {suffix: ""}).cache. */
  cacheDir: string;
  /** SERVEKIT_OFFLINE=1/true/yes/on: never download. */
  offline: boolean;
}

const TRUE = new Set(["1", "true", "yes", "on"]);
const FALSE = new Set(["", "0", "false", "no", "off"]);

/**
 * Reads the weights settings from options and the environment:
 * `weightsDir` or SERVEKIT_WEIGHTS_DIR, `<projectRoot>/weights`,
 * SERVEKIT_CACHE_DIR (else the platform's cache folder, e.g.
 * ~/.cache/servekit on Linux) and SERVEKIT_OFFLINE.
 *
 * @example
 * const settings = resolveWeightsSettings({ projectRoot: projectRootOf(import.meta.url) });
 */
export function resolveWeightsSettings(
  options: { projectRoot?: string; weightsDir?: string; env?: NodeJS.ProcessEnv } = {},
): WeightsSettings {
  const env = options.env ?? process.env;
  const settings: WeightsSettings = {
    cacheDir: resolve(
      nonEmpty(env.SERVEKIT_CACHE_DIR) ?? envPaths("servekit", { suffix: "" }).cache,
    ),
    offline: offlineFlag(env.SERVEKIT_OFFLINE),
  };
  const overrideDir = options.weightsDir ?? nonEmpty(env.SERVEKIT_WEIGHTS_DIR);
  if (overrideDir !== undefined) settings.overrideDir = resolve(overrideDir);
  if (options.projectRoot !== undefined)
    settings.projectDir = join(resolve(options.projectRoot), "weights");
  return settings;
}

/**
 * The nearest folder holding a package.json at or above a module (a
 * `file:` URL or a path), or `undefined` when there is none.
 *
 * @example
 * projectRootOf(import.meta.url); // "/srv/my-model"
 */
export function projectRootOf(moduleUrlOrPath: string): string | undefined {
  const path = moduleUrlOrPath.startsWith("file:")
    ? fileURLToPath(moduleUrlOrPath)
    : resolve(moduleUrlOrPath);
  let dir = isDirectory(path) ? path : dirname(path);
  const { root } = parse(dir);
  for (;;) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dir === root) return undefined;
    dir = dirname(dir);
  }
}

function offlineFlag(value: string | undefined): boolean {
  const flag = (value ?? "").trim().toLowerCase();
  if (TRUE.has(flag)) return true;
  if (FALSE.has(flag)) return false;
  throw new ConfigError([
    {
      path: "SERVEKIT_OFFLINE",
      message: "must be 1, true, yes or on (never download weights), or 0, false, no, off or unset",
      received: JSON.stringify(value),
    },
  ]);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
