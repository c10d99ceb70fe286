import { createHash } from "node:crypto";
import { closeSync, cpSync, existsSync, mkdirSync, openSync, readSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { WEIGHTS_LOCK_FILE } from "@servekit/core";
import { CliError } from "../cli-error.js";
import type { ImageWeightsFile } from "./image-weights.js";

export interface WeightsLayerInput {
  /** The build context; files go to its `weights/` folder. */
  contextDir: string;
  /** `build.weights` of serve.config.ts, absolute: copied under their own names. */
  buildWeights: readonly string[];
  /** Files the predictors declare, under their declared file names. */
  declared: readonly ImageWeightsFile[];
  /** The config file `build.weights` came from, for messages. */
  configFile: string | undefined;
}

/**
 * Copies the image's weights into `<context>/weights/`: the files of
 * `build.weights` and those the predictors declare (the server finds the
 * latter by file name in SERVEKIT_WEIGHTS_DIR). Returns the local paths
 * copied; a name two different files want is an error.
 *
 * @example
 * writeWeightsLayer({ contextDir, buildWeights: [], declared: [{ fileName: "m.onnx", path: "/cache/…", declaredBy: "m@1 model" }], configFile: undefined });
 */
export function writeWeightsLayer(input: WeightsLayerInput): string[] {
  const files: LayerFile[] = [
    ...input.declared.map((file) => ({ ...file, from: file.declaredBy })),
    ...input.buildWeights.map((path) => ({
      fileName: basename(path),
      path,
      from: `build.weights in ${input.configFile}`,
    })),
  ];
  const taken = new Map<string, LayerFile>();
  const copied: string[] = [];
  for (const file of files) {
    const before = taken.get(file.fileName);
    if (before) {
      if (sameFile(before, file)) continue;
      throw new CliError(
        `two different weight files are named ${file.fileName} (${before.from}; ${file.from}): the image's /srv/weights holds one file per name, so rename one or drop it from build.weights`,
      );
    }
    taken.set(file.fileName, file);
    if (!file.path) continue;
    if (!existsSync(file.path))
      throw new CliError(`weight file ${file.path} (from ${file.from}) does not exist`);
    mkdirSync(join(input.contextDir, "weights"), { recursive: true });
    cpSync(file.path, join(input.contextDir, "weights", file.fileName));
    copied.push(file.path);
  }
  return copied;
}

interface LayerFile {
  fileName: string;
  path?: string | undefined;
  /** Declared files only. */
  sha256?: string;
  from: string;
}

/** The same path, or a `build.weights` file whose bytes are the declared file's. */
function sameFile(declared: LayerFile, other: LayerFile): boolean {
  if (declared.path && other.path && resolve(declared.path) === resolve(other.path)) return true;
  return declared.sha256 !== undefined && other.path !== undefined && existsSync(other.path)
    ? sha256Of(other.path) === declared.sha256
    : false;
}

function sha256Of(path: string): string {
  const hash = createHash("sha256");
  const buffer = Buffer.alloc(1024 * 1024);
  const fd = openSync(path, "r");
  try {
    for (let read = readSync(fd, buffer); read > 0; read = readSync(fd, buffer))
      hash.update(buffer.subarray(0, read));
  } finally {
    closeSync(fd);
  }
  return hash.digest("hex");
}

/**
 * `["weights.lock"]` when the project has one, else `[]`: the app layer
 * always takes it, since the server checks the declarations against it at start.
 *
 * @example
 * appFiles({ projectDir, alwaysInclude: ["package.json", ...lockFile(projectDir)] });
 */
export function lockFile(projectDir: string): string[] {
  return existsSync(join(projectDir, WEIGHTS_LOCK_FILE)) ? [WEIGHTS_LOCK_FILE] : [];
}
