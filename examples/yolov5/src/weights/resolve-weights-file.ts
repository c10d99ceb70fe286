import { stat } from "node:fs/promises";
import { join } from "node:path";
import { downloadFile } from "./download-file.js";
import { KNOWN_WEIGHTS, type WeightsFileName } from "./known-weights.js";
import { WeightsNotFoundError } from "./weights-not-found-error.js";
import {
  type ResolvedLocations,
  resolveWeightsOptions,
  type SearchLocation,
  type WeightsOptions,
  type WeightsSource,
  weightsUrl,
} from "./weights-options.js";

/** A file ready to load, and where it came from. */
export interface ResolvedWeights {
  /** Absolute path. */
  path: string;
  source: WeightsSource;
}

/**
 * Finds one of the example's files: YOLOV5_WEIGHTS_DIR, then the example's
 * weights folder, then the shared models folder, then the download cache, and
 * last a verified download into the cache. Local copies are used as they
 * are (they may be your own export); only downloads are checked against
 * `KNOWN_WEIGHTS` (or `options.sha256`).
 *
 * @example
 * const { path, source } = await resolveWeightsFile("coco.names"); // source: "shared"
 */
export async function resolveWeightsFile(
  fileName: WeightsFileName,
  options: WeightsOptions = {},
): Promise<ResolvedWeights> {
  const resolved = resolveWeightsOptions(options);
  const local = await findLocalFile(fileName, resolved);
  if (local !== undefined) return local;

  const notFound = {
    fileName,
    searched: resolved.locations,
    missingDirs: await missingDirs(resolved.locations),
    exampleWeightsDir: resolved.exampleWeightsDir,
  };
  if (!resolved.download) {
    const downloadSkipped =
      options.download === false
        ? "download is disabled (option download: false)"
        : "download is disabled (YOLOV5_WEIGHTS_DOWNLOAD)";
    throw new WeightsNotFoundError({ ...notFound, downloadSkipped });
  }
  const known = KNOWN_WEIGHTS[fileName];
  const url = weightsUrl(fileName, resolved.baseUrl, known.defaultUrl);
  const dest = join(resolved.cacheDir, fileName);
  try {
    await downloadFile(url, dest, {
      sha256: options.sha256 ?? known.sha256,
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      onProgress: options.onProgress,
      progressBar: options.progressBar,
    });
  } catch (cause) {
    throw new WeightsNotFoundError({ ...notFound, url, cause });
  }
  return { path: dest, source: "download" };
}

/**
 * The first local copy of `fileName` (no download), or `undefined`.
 *
 * @example
 * await findLocalFile("yolov5n.onnx", resolveLocations()); // { path: ".../shared/models/yolov5n.onnx", source: "shared" }
 */
export async function findLocalFile(
  fileName: WeightsFileName,
  resolved: ResolvedLocations,
): Promise<ResolvedWeights | undefined> {
  for (const location of resolved.locations) {
    const path = join(location.dir, fileName);
    if (await isFile(path)) return { path, source: location.source };
  }
  return undefined;
}

/** Searched folders that do not exist, except the cache, which a first download creates. */
async function missingDirs(locations: SearchLocation[]): Promise<Set<string>> {
  const missing = new Set<string>();
  for (const { source, dir } of locations) {
    if (source !== "cache" && !(await isDirectory(dir))) missing.add(dir);
  }
  return missing;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
