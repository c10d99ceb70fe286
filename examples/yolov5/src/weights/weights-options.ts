import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { DownloadProgress } from "./download-progress.js";
import { findUp, packageRootOf } from "./package-root.js";

/** Where a file was found: the four local places in search order, or a fresh download. */
export type WeightsSource = "env" | "example" | "shared" | "cache" | "download";

/** Environment variables read when the matching option is not given. */
export type WeightsEnv = Readonly<Record<string, string | undefined>>;

/** Where to look for weights without downloading (used by `availableModels` too). */
export interface WeightsLocationOptions {
  /**
   * Folder searched first.
   * @default process.env.YOLOV5_WEIGHTS_DIR (unset: skipped)
   */
  weightsDir?: string;
  /**
   * The example's own, git-ignored weights folder.
   * @default "<example package root>/weights", i.e. examples/yolov5/weights
   */
  exampleWeightsDir?: string;
  /**
   * The team's shared fixtures.
   * @default "$SERVEKIT_SHARED_DIR/models", else "<repo root>/../shared/models" (skipped outside the repo)
   */
  sharedModelsDir?: string;
  /**
   * Where downloads are kept, and searched last.
   * @default process.env.YOLOV5_CACHE_DIR, else "$XDG_CACHE_HOME/servekit/yolov5", else "~/.cache/servekit/yolov5"
   */
  cacheDir?: string;
  /**
   * Environment to read the variables above from (tests pass their own).
   * @default process.env
   */
  env?: WeightsEnv;
}

/** Options of `resolveWeights` / `resolveLabels`: where to look, and how to download. */
export interface WeightsOptions extends WeightsLocationOptions {
  /**
   * Whether a file found nowhere locally may be downloaded into `cacheDir`.
   * @default false when YOLOV5_WEIGHTS_DOWNLOAD is 0/false/no/off, else true
   */
  download?: boolean;
  /**
   * Base URL the file name is appended to, e.g. a mirror "https://models.example.com/yolov5/".
   * @default process.env.YOLOV5_WEIGHTS_URL, else each file's `KNOWN_WEIGHTS[file].defaultUrl`
   */
  baseUrl?: string;
  /**
   * Expected SHA-256 (hex) of the downloaded file, for weights other than the known ones.
   * @default KNOWN_WEIGHTS[file].sha256
   */
  sha256?: string;
  /**
   * Longest wait for the server (connect, headers, or between two body chunks), in ms.
   * @default 30000
   */
  timeoutMs?: number;
  /**
   * Cancels a download in progress.
   * @default undefined
   */
  signal?: AbortSignal;
  /**
   * Called at every ~10% of a download (every MiB when the size is unknown) and at its end.
   * @default undefined
   */
  onProgress?: (progress: DownloadProgress) => void;
  /**
   * Draw a progress bar on stderr while downloading.
   * @default process.stderr.isTTY
   */
  progressBar?: boolean;
}

/** One local place searched, in order. */
export interface SearchLocation {
  source: Exclude<WeightsSource, "download">;
  /** Absolute folder path. */
  dir: string;
  /** How the folder was chosen, for error messages, e.g. "YOLOV5_WEIGHTS_DIR". */
  origin: string;
}

/** `WeightsLocationOptions` with every default applied. */
export interface ResolvedLocations {
  /** The places searched, first hit wins. Unset ones (no YOLOV5_WEIGHTS_DIR) are absent. */
  locations: SearchLocation[];
  cacheDir: string;
  exampleWeightsDir: string;
}

/** `WeightsOptions` with every default applied. */
export interface ResolvedWeightsOptions extends ResolvedLocations {
  download: boolean;
  baseUrl: string | undefined;
}

const moduleDir = fileURLToPath(new URL(".", import.meta.url));

/**
 * The example's package root (examples/yolov5), from this module's location,
 * whether it runs from `src/weights/` or from a built `dist/`.
 *
 * @example
 * join(examplePackageRoot(), "weights"); // ".../examples/yolov5/weights"
 */
export function examplePackageRoot(): string {
  return packageRootOf(moduleDir) ?? resolve(moduleDir, "../..");
}

/**
 * Applies the defaults of `WeightsLocationOptions` (environment, then package layout).
 *
 * @example
 * resolveLocations({ env: { YOLOV5_WEIGHTS_DIR: "/models" } }).locations[0]; // { source: "env", dir: "/models", … }
 */
export function resolveLocations(options: WeightsLocationOptions = {}): ResolvedLocations {
  const env = options.env ?? process.env;
  const locations: SearchLocation[] = [];
  const weightsDir = options.weightsDir ?? nonEmpty(env.YOLOV5_WEIGHTS_DIR);
  if (weightsDir !== undefined) {
    const origin = options.weightsDir === undefined ? "YOLOV5_WEIGHTS_DIR" : "option weightsDir";
    locations.push({ source: "env", dir: resolve(weightsDir), origin });
  }

  const exampleWeightsDir = resolve(
    options.exampleWeightsDir ?? join(examplePackageRoot(), "weights"),
  );
  locations.push({ source: "example", dir: exampleWeightsDir, origin: "example weights folder" });

  const shared = sharedModelsLocation(options, env);
  if (shared !== undefined) locations.push(shared);

  const cacheDir = resolve(options.cacheDir ?? defaultCacheDir(env));
  const cacheOrigin =
    options.cacheDir !== undefined
      ? "option cacheDir"
      : nonEmpty(env.YOLOV5_CACHE_DIR) !== undefined
        ? "YOLOV5_CACHE_DIR"
        : "download cache";
  locations.push({ source: "cache", dir: cacheDir, origin: cacheOrigin });

  return { locations, cacheDir, exampleWeightsDir };
}

/**
 * Applies every default of `WeightsOptions` and validates the environment,
 * so a typo in YOLOV5_WEIGHTS_DOWNLOAD or YOLOV5_WEIGHTS_URL fails up front.
 *
 * @example
 * resolveWeightsOptions({ download: false }).download; // false
 */
export function resolveWeightsOptions(options: WeightsOptions = {}): ResolvedWeightsOptions {
  const env = options.env ?? process.env;
  const baseUrl = options.baseUrl ?? nonEmpty(env.YOLOV5_WEIGHTS_URL);
  if (baseUrl !== undefined) checkBaseUrl(baseUrl, options.baseUrl === undefined);
  return {
    ...resolveLocations(options),
    download: options.download ?? parseDownloadFlag(env.YOLOV5_WEIGHTS_DOWNLOAD),
    baseUrl,
  };
}

/**
 * The URL a file is downloaded from: `baseUrl` + name, else the file's default.
 *
 * @example
 * weightsUrl("yolov5n.onnx", "http://127.0.0.1:8080/m"); // "http://127.0.0.1:8080/m/yolov5n.onnx"
 */
export function weightsUrl(fileName: string, baseUrl: string | undefined, defaultUrl: string) {
  if (baseUrl === undefined) return defaultUrl;
  return new URL(encodeURIComponent(fileName), baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`)
    .href;
}

function sharedModelsLocation(
  options: WeightsLocationOptions,
  env: WeightsEnv,
): SearchLocation | undefined {
  if (options.sharedModelsDir !== undefined) {
    return {
      source: "shared",
      dir: resolve(options.sharedModelsDir),
      origin: "option sharedModelsDir",
    };
  }
  const sharedDir = nonEmpty(env.SERVEKIT_SHARED_DIR);
  if (sharedDir !== undefined) {
    return { source: "shared", dir: resolve(sharedDir, "models"), origin: "SERVEKIT_SHARED_DIR" };
  }
  // Outside the repository (an installed package, a container) there is no shared folder.
  const repoRoot = findUp(examplePackageRoot(), "pnpm-workspace.yaml");
  if (repoRoot === undefined) return undefined;
  return { source: "shared", dir: resolve(repoRoot, "../shared/models"), origin: "shared models" };
}

function defaultCacheDir(env: WeightsEnv): string {
  const explicit = nonEmpty(env.YOLOV5_CACHE_DIR);
  if (explicit !== undefined) return explicit;
  const xdg = nonEmpty(env.XDG_CACHE_HOME);
  return join(xdg ?? join(homedir(), ".cache"), "servekit", "yolov5");
}

const TRUE_WORDS = new Set(["1", "true", "yes", "on"]);
const FALSE_WORDS = new Set(["0", "false", "no", "off"]);

function parseDownloadFlag(value: string | undefined): boolean {
  const word = nonEmpty(value)?.toLowerCase();
  if (word === undefined || TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  throw new Error(
    `YOLOV5_WEIGHTS_DOWNLOAD must be 1/true/yes/on or 0/false/no/off, got "${value}"`,
  );
}

function checkBaseUrl(baseUrl: string, fromEnv: boolean): void {
  const protocol = URL.canParse(baseUrl) ? new URL(baseUrl).protocol : undefined;
  if (protocol === "http:" || protocol === "https:") return;
  const name = fromEnv ? "YOLOV5_WEIGHTS_URL" : "baseUrl";
  throw new Error(
    `${name} must be an http(s) URL such as https://example.com/yolov5/, got "${baseUrl}"`,
  );
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}
