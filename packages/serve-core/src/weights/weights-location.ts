import { stat } from "node:fs/promises";
import { join } from "node:path";
import { type WeightsFile, weightsFileName } from "./weights-declaration.js";
import { WeightsError } from "./weights-error.js";
import type { WeightsSettings } from "./weights-settings.js";

/**
 * Where a declared file was found (`source`, `path`), or that it was not
 * (`"missing"`), with every path looked at, in order.
 *
 * @example
 * const where: WeightsLocation = { name: "model", fileName: "m.onnx", source: "cache", path: "/c/…/m.onnx", searched: ["/c/…/m.onnx"] };
 */
export interface WeightsLocation {
  name: string;
  fileName: string;
  source: "override" | "project" | "cache" | "missing";
  path?: string;
  searched: string[];
}

/**
 * Where a verified file lives in the cache:
 * `<cacheDir>/weights/sha256/<sha256>/<file name>` (content-addressed
 * folder, readable name inside, so the file keeps its extension).
 *
 * @example
 * cachePath(file, settings); // "/home/me/.cache/servekit/weights/sha256/0120…/yolov5n.onnx"
 */
export function cachePath(file: WeightsFile, settings: WeightsSettings): string {
  return join(
    settings.cacheDir,
    "weights",
    "sha256",
    file.sha256.toLowerCase(),
    weightsFileName(file),
  );
}

/**
 * The paths looked at for a file, in order: override folder, project
 * folder, cache.
 *
 * @example
 * searchedPaths(file, settings); // ["/weights/m.onnx", "/srv/app/weights/m.onnx", "/cache/…/m.onnx"]
 */
export function searchedPaths(file: WeightsFile, settings: WeightsSettings): string[] {
  const fileName = weightsFileName(file);
  const paths: string[] = [];
  if (settings.overrideDir !== undefined) paths.push(join(settings.overrideDir, fileName));
  if (settings.projectDir !== undefined) paths.push(join(settings.projectDir, fileName));
  paths.push(cachePath(file, settings));
  return paths;
}

/**
 * Finds a declared file without downloading: the override folder, then the
 * project's weights folder, then the cache; first hit wins. Local copies
 * are used as they are, but one whose size differs from a declared `size`
 * is an error.
 *
 * @example
 * const where = await locateWeights("model", weights.model, settings);
 * if (where.source === "missing") console.log("not yet downloaded; looked in", where.searched);
 */
export async function locateWeights(
  name: string,
  file: WeightsFile,
  settings: WeightsSettings,
): Promise<WeightsLocation> {
  const fileName = weightsFileName(file);
  const searched = searchedPaths(file, settings);
  const local: Array<{ source: "override" | "project"; dir: string | undefined }> = [
    { source: "override", dir: settings.overrideDir },
    { source: "project", dir: settings.projectDir },
  ];
  for (const { source, dir } of local) {
    if (dir === undefined) continue;
    const path = join(dir, fileName);
    const size = await fileSize(path);
    if (size === undefined) continue;
    if (file.size !== undefined && size !== file.size) {
      throw new WeightsError(
        `weights "${name}": ${path} has ${size} bytes but the predictor declares size ${file.size}: ` +
          `replace the file with the right one (sha256 ${file.sha256}), or fix the declared size`,
      );
    }
    return { name, fileName, source, path, searched };
  }
  const cached = cachePath(file, settings);
  if ((await fileSize(cached)) !== undefined)
    return { name, fileName, source: "cache", path: cached, searched };
  return { name, fileName, source: "missing", searched };
}

async function fileSize(path: string): Promise<number | undefined> {
  try {
    const stats = await stat(path);
    return stats.isFile() ? stats.size : undefined;
  } catch {
    return undefined;
  }
}
