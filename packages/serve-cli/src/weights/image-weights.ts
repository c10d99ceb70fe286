import { weightsFileName } from "@servekit/core";
import { CliError } from "../cli-error.js";
import { downloadProgressReporter } from "./download-progress.js";
import { type PullOptions, pullOne } from "./pull-weights.js";
import { loadTargetWeights, type PredictorWeights } from "./target-weights.js";

/** A declared file as the image's weights layer holds it: /srv/weights/<fileName>. */
export interface ImageWeightsFile {
  fileName: string;
  /** The local copy to put there; absent when not pulled (a Dockerfile preview). */
  path?: string;
  /** Who declares it, e.g. "yolov5@1.0 model". */
  declaredBy: string;
  sha256: string;
}

/**
 * The declared files of the entries as the image holds them, one per file
 * name (two predictors declaring the same file share it). With `pull`, a
 * missing file is downloaded into the cache first; without, it has no
 * `path`. Two different files (sha256) under one name are an error: the
 * server finds them in /srv/weights by name.
 *
 * @example
 * const files = await imageWeights(await loadTargetWeights({ target: "." }), { pull: true });
 */
export async function imageWeights(
  entries: readonly PredictorWeights[],
  options: PullOptions & { pull: boolean },
): Promise<ImageWeightsFile[]> {
  const byName = new Map<string, ImageWeightsFile>();
  for (const entry of entries) {
    for (const [name, file] of Object.entries(entry.declarations)) {
      const fileName = weightsFileName(file);
      const declaredBy = `${entry.key} ${name}`;
      const same = byName.get(fileName);
      if (same) {
        if (same.sha256 === file.sha256) continue;
        throw new CliError(
          `${same.declaredBy} and ${declaredBy} both declare a weights file named ${fileName} with different sha256: the image holds one file per name, so give one a \`file\` name of its own (e.g. file: "${name}-${fileName}")`,
        );
      }
      let path: string | undefined;
      if (options.pull) {
        const pulled = await pullOne(entry, name, file, options);
        if (pulled.outcome === "failed" || !pulled.path) {
          throw new CliError(
            `the image needs ${declaredBy} (${fileName}), which could not be pulled: ${pulled.error}`,
          );
        }
        path = pulled.path;
      }
      byName.set(fileName, {
        fileName,
        declaredBy,
        sha256: file.sha256,
        ...(path ? { path } : {}),
      });
    }
  }
  return [...byName.values()];
}

/**
 * {@link imageWeights} of a target's predictors (every model-version it
 * serves), with download progress as lines to `onLine`.
 *
 * @example
 * const declaredWeights = await targetImageWeights({ target: ".", pull: true, onLine: console.error });
 */
export async function targetImageWeights(options: {
  target?: string | undefined;
  pull: boolean;
  onLine?: ((line: string) => void) | undefined;
}): Promise<ImageWeightsFile[]> {
  const entries = await loadTargetWeights(options.target ? { target: options.target } : {});
  const onLine = options.onLine;
  if (!onLine) return imageWeights(entries, { pull: options.pull });
  const reporter = downloadProgressReporter({ onLine });
  return imageWeights(entries, { pull: options.pull, onProgress: (p) => reporter.update(p) });
}
