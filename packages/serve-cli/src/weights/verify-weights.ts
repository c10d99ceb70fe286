import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  cachePath,
  verifyWeightsFile,
  type WeightsFile,
  type WeightsSettings,
  weightsFileName,
} from "@servekit/core";
import { textTable } from "../load/text-table.js";
import type { PredictorWeights } from "./target-weights.js";

/** One local copy checked, or a declared file with none. */
export interface VerifyRow {
  predictor: string;
  name: string;
  file: string;
  source: "override" | "project" | "cache" | "missing";
  path?: string;
  /** The copy matches the declared sha256 (and size, when declared). */
  ok: boolean;
  /** What is wrong and what to do, when not ok. */
  problem?: string;
}

/** Every existing local copy of a file, in lookup order. */
function localCopies(
  file: WeightsFile,
  settings: WeightsSettings,
): { source: VerifyRow["source"]; path: string }[] {
  const fileName = weightsFileName(file);
  const candidates = [
    ...(settings.overrideDir
      ? [{ source: "override" as const, path: join(settings.overrideDir, fileName) }]
      : []),
    ...(settings.projectDir
      ? [{ source: "project" as const, path: join(settings.projectDir, fileName) }]
      : []),
    { source: "cache" as const, path: cachePath(file, settings) },
  ];
  return candidates.filter((c) => existsSync(c.path));
}

/**
 * Hashes every local copy of every declared file (override folder, project
 * folder, cache) and compares it with the declared sha256 and size. A file
 * with no local copy is a row of its own, not ok.
 *
 * @example
 * const rows = await verifyWeights(await loadTargetWeights({ target: "." }));
 * if (rows.some((row) => !row.ok)) process.exitCode = 1;
 */
export async function verifyWeights(entries: readonly PredictorWeights[]): Promise<VerifyRow[]> {
  const rows: VerifyRow[] = [];
  for (const entry of entries) {
    for (const [name, file] of Object.entries(entry.declarations)) {
      const base = { predictor: entry.key, name, file: weightsFileName(file) };
      const copies = localCopies(file, entry.settings);
      if (copies.length === 0) {
        rows.push({
          ...base,
          source: "missing",
          ok: false,
          problem: "no local copy: run `serve-cli weights pull` to download it",
        });
      }
      for (const copy of copies) {
        const found = await verifyWeightsFile(copy.path, file);
        rows.push({
          ...base,
          ...copy,
          ok: found.ok,
          ...(found.ok ? {} : { problem: mismatch(file, found, copy.source) }),
        });
      }
    }
  }
  return rows;
}

function mismatch(
  file: WeightsFile,
  found: { sha256: string; size: number },
  source: VerifyRow["source"],
): string {
  const what =
    found.sha256 !== file.sha256
      ? `sha256 is ${found.sha256}, the predictor declares ${file.sha256}`
      : `size is ${found.size} bytes, the predictor declares ${file.size}`;
  const fix =
    source === "cache"
      ? "delete it (the next pull downloads it again)"
      : "replace the file, or fix the declaration";
  return `${what}: ${fix}`;
}

/**
 * The rows as `ok`/`MISMATCH`/`MISSING` lines with their place and problem.
 *
 * @example
 * verifyTable(rows) // "ok        yolov5@1.0  model  yolov5n.onnx  cache  /home/me/.cache/…"
 */
export function verifyTable(rows: readonly VerifyRow[]): string {
  return textTable(
    ["result", "predictor", "name", "file", "source", "path"],
    rows.map((row) => [
      row.ok ? "ok" : row.source === "missing" ? "MISSING" : "MISMATCH",
      row.predictor,
      row.name,
      row.file,
      row.source,
      `${row.path ?? ""}${row.problem ? `${row.path ? " " : ""}(${row.problem})` : ""}`,
    ]),
    [false, false, false, false, false, false],
  );
}
