import { statSync } from "node:fs";
import { locateWeights, type WeightsLocation, weightsFileName } from "@servekit/core";
import { textTable } from "../load/text-table.js";
import { formatBytes } from "./format-bytes.js";
import type { PredictorWeights } from "./target-weights.js";

/** Where one declared file is now: a row of `serve-cli weights status`. */
export interface WeightsStatusRow {
  /** `"name@version"` of the predictor that declares it. */
  predictor: string;
  /** Its name in `weights`, e.g. "model". */
  name: string;
  /** Its file name, e.g. "yolov5n.onnx". */
  file: string;
  url: string;
  sha256: string;
  /** Declared, else the local copy's size; absent when neither is known. */
  size?: number;
  source: WeightsLocation["source"];
  /** The local copy, when there is one. */
  path?: string;
  /** Every place looked in, in order. */
  searched: string[];
}

/**
 * Where each declared file of each predictor is found (override folder,
 * project folder, cache) or that it is missing; looks, never downloads.
 *
 * @example
 * const rows = await weightsStatus(await loadTargetWeights({ target: "." }));
 * rows.filter((row) => row.source === "missing");
 */
export async function weightsStatus(
  entries: readonly PredictorWeights[],
): Promise<WeightsStatusRow[]> {
  const rows: WeightsStatusRow[] = [];
  for (const entry of entries) {
    for (const [name, file] of Object.entries(entry.declarations)) {
      const location = await locateWeights(name, file, entry.settings);
      const size = file.size ?? (location.path ? statSync(location.path).size : undefined);
      rows.push({
        predictor: entry.key,
        name,
        file: weightsFileName(file),
        url: file.url,
        sha256: file.sha256,
        ...(size === undefined ? {} : { size }),
        source: location.source,
        ...(location.path ? { path: location.path } : {}),
        searched: location.searched,
      });
    }
  }
  return rows;
}

/**
 * The rows as an aligned table: predictor, name, file, size, source, path
 * (for a missing file, the places searched).
 *
 * @example
 * weightsStatusTable(rows)
 * // predictor    name   file          size    source  path
 * // yolov5@1.0   model  yolov5n.onnx  3.8 MB  cache   /home/me/.cache/servekit/…
 */
export function weightsStatusTable(rows: readonly WeightsStatusRow[]): string {
  return textTable(
    ["predictor", "name", "file", "size", "source", "path"],
    rows.map((row) => [
      row.predictor,
      row.name,
      row.file,
      row.size === undefined ? "?" : formatBytes(row.size),
      row.source,
      row.path ?? `(searched ${row.searched.join(", ")})`,
    ]),
    [false, false, false, true, false, false],
  );
}
