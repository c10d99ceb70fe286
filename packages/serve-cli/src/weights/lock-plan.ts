import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  readWeightsLock,
  verifyWeightsFile,
  WEIGHTS_LOCK_FILE,
  type WeightsFile,
  type WeightsLock,
} from "@servekit/core";
import { CliError } from "../cli-error.js";
import { formatBytes } from "./format-bytes.js";
import { type PullOptions, pullOne } from "./pull-weights.js";
import type { PredictorWeights } from "./target-weights.js";

/** What `serve-cli weights lock` would write in one project. */
export interface LockPlan {
  projectRoot: string;
  /** Path of its weights.lock. */
  file: string;
  /** The lock there now, if any. */
  before: WeightsLock | undefined;
  after: WeightsLock;
  /** One line per difference; empty when the lock is up to date. */
  changes: string[];
}

type LockEntry = WeightsLock["predictors"][string][string];

/**
 * The weights.lock each project of the entries should hold: for every
 * predictor ("name@version") that declares weights, each file's url, sha256
 * and size. A size the declaration leaves out is read from the file, pulled
 * first when missing and checked against its sha256. Entries of predictors
 * the target does not serve stay as they are; one that declares no weights
 * any more is removed.
 *
 * @example
 * const [plan] = await planWeightsLocks(await loadTargetWeights({ target: "." }));
 * if (plan && plan.changes.length > 0) writeWeightsLock(plan.projectRoot, plan.after);
 */
export async function planWeightsLocks(
  entries: readonly PredictorWeights[],
  options: PullOptions = {},
): Promise<LockPlan[]> {
  const before = new Map<string, WeightsLock | undefined>();
  const after = new Map<string, WeightsLock>();
  /** The lock being planned for a project: its current one, with this target's entries to replace. */
  const lockOf = (root: string) => {
    if (!before.has(root)) before.set(root, readWeightsLock(root));
    const planned = after.get(root) ?? {
      lockfileVersion: 1,
      predictors: { ...before.get(root)?.predictors },
    };
    after.set(root, planned);
    return planned;
  };
  for (const entry of entries) {
    const names = Object.keys(entry.declarations).sort();
    if (names.length === 0) {
      // A predictor that declares weights no more leaves the lock it was in.
      if (entry.projectRoot && existsSync(join(entry.projectRoot, WEIGHTS_LOCK_FILE)))
        delete lockOf(entry.projectRoot).predictors[entry.key];
      continue;
    }
    if (!entry.projectRoot) {
      throw new CliError(
        `${entry.key} declares weights but no package.json was found above its module: weights.lock goes beside package.json, so add one (npm init -y)`,
      );
    }
    const files: Record<string, LockEntry> = {};
    for (const name of names) {
      const file = entry.declarations[name]!;
      const size = await sizeOf(entry, name, file, options);
      files[name] = { url: file.url, sha256: file.sha256, size };
    }
    lockOf(entry.projectRoot).predictors[entry.key] = files;
  }
  return [...after].map(([projectRoot, lock]) => ({
    projectRoot,
    file: join(projectRoot, WEIGHTS_LOCK_FILE),
    before: before.get(projectRoot),
    after: lock,
    changes: lockChanges(before.get(projectRoot), lock),
  }));
}

/** The declared size, else the size of a checked local copy (pulled when missing). */
async function sizeOf(
  entry: PredictorWeights,
  name: string,
  file: WeightsFile,
  options: PullOptions,
): Promise<number> {
  if (file.size !== undefined) return file.size;
  const pulled = await pullOne(entry, name, file, options);
  if (pulled.outcome === "failed" || !pulled.path) {
    throw new CliError(
      `${entry.key} ${name} declares no size and could not be pulled to measure it: ${pulled.error}`,
    );
  }
  // The cache holds only checked files; a copy in the override or project folder is used as it is.
  if (pulled.source === "override" || pulled.source === "project") {
    const found = await verifyWeightsFile(pulled.path, file);
    if (!found.ok) {
      throw new CliError(
        `${pulled.path} (${entry.key} ${name}) has sha256 ${found.sha256}, the predictor declares ${file.sha256}: replace the file or fix the declaration, then run serve-cli weights lock again`,
      );
    }
  }
  return pulled.size ?? 0;
}

/**
 * What changes from one lock to another, one line each: "+" added, "-"
 * removed, "~" changed (with the old and new value).
 *
 * @example
 * lockChanges(undefined, lock) // ["+ yolov5@1.0 model: https://…/yolov5n.onnx (3.8 MB, sha256 01203d…)"]
 */
export function lockChanges(before: WeightsLock | undefined, after: WeightsLock): string[] {
  const old = before?.predictors ?? {};
  const changes: string[] = [];
  const keys = [...new Set([...Object.keys(old), ...Object.keys(after.predictors)])].sort();
  for (const key of keys) {
    const a = old[key] ?? {};
    const b = after.predictors[key] ?? {};
    for (const name of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      const was = a[name];
      const now = b[name];
      if (!was && now) changes.push(`+ ${key} ${name}: ${describe(now)}`);
      else if (was && !now) changes.push(`- ${key} ${name}: ${describe(was)}`);
      else if (was && now) {
        for (const field of ["url", "sha256", "size"] as const) {
          if (was[field] !== now[field])
            changes.push(`~ ${key} ${name}: ${field} ${was[field]} → ${now[field]}`);
        }
      }
    }
  }
  return changes;
}

function describe(entry: LockEntry): string {
  return `${entry.url} (${formatBytes(entry.size)}, sha256 ${entry.sha256.slice(0, 12)}…)`;
}
