import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import type { WeightsDeclarations } from "./weights-declaration.js";
import { WeightsError } from "./weights-error.js";

export { verifyWeightsFile } from "./weights-verify.js";

/** The lock file's name, at the project root. */
export const WEIGHTS_LOCK_FILE = "weights.lock";

/**
 * `weights.lock`: each predictor's ("name@version") files with URL, sha256
 * and size, written by `serve-cli weights lock` and checked at start.
 *
 * @example
 * const lock: WeightsLock = { lockfileVersion: 1, predictors: { "yolov5@1": { model: { url, sha256, size: 3963249 } } } };
 */
export interface WeightsLock {
  lockfileVersion: 1;
  predictors: Record<string, Record<string, { url: string; sha256: string; size: number }>>;
}

const lockSchema = z.object({
  lockfileVersion: z.literal(1),
  predictors: z.record(
    z.string(),
    z.record(
      z.string(),
      z.object({
        url: z.string(),
        sha256: z.string().regex(/^[0-9a-f]{64}$/),
        size: z.number().int().nonnegative(),
      }),
    ),
  ),
});

/**
 * Reads `<projectRoot>/weights.lock`; `undefined` when there is none. A
 * malformed one is a {@link WeightsError} saying how to regenerate it.
 *
 * @example
 * const lock = readWeightsLock(projectRoot);
 */
export function readWeightsLock(projectRoot: string): WeightsLock | undefined {
  const path = join(projectRoot, WEIGHTS_LOCK_FILE);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const fix = "delete it and run `serve-cli weights lock` to write it again";
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new WeightsError(`${path} is not valid JSON (${(error as Error).message}); ${fix}`, {
      cause: error,
    });
  }
  const parsed = lockSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join(".")}` : "";
    throw new WeightsError(`${path} is malformed${where} (${issue?.message ?? "invalid"}); ${fix}`);
  }
  return parsed.data as WeightsLock;
}

/**
 * Writes `<projectRoot>/weights.lock` (keys sorted, 2-space JSON and a
 * final newline, so diffs stay small) and returns its path.
 *
 * @example
 * writeWeightsLock(projectRoot, { lockfileVersion: 1, predictors: { "yolov5@1": { model: entry } } });
 */
export function writeWeightsLock(projectRoot: string, lock: WeightsLock): string {
  const predictors: WeightsLock["predictors"] = {};
  for (const key of Object.keys(lock.predictors).sort()) {
    const files = lock.predictors[key] ?? {};
    const sorted: WeightsLock["predictors"][string] = {};
    for (const name of Object.keys(files).sort()) {
      const { url, sha256, size } = files[name]!;
      sorted[name] = { url, sha256: sha256.toLowerCase(), size };
    }
    predictors[key] = sorted;
  }
  const path = join(projectRoot, WEIGHTS_LOCK_FILE);
  writeFileSync(path, `${JSON.stringify({ lockfileVersion: 1, predictors }, null, 2)}\n`);
  return path;
}

/**
 * Where a predictor's declarations and its lock entry disagree, one
 * sentence each; `[]` when they agree.
 *
 * @example
 * const problems = lockProblems("yolov5@1", weights, lock);
 * if (problems.length > 0) throw new Error(`${problems.join("; ")}; run \`serve-cli weights lock\``);
 */
export function lockProblems(
  key: string,
  declarations: WeightsDeclarations,
  lock: WeightsLock,
): string[] {
  const locked = lock.predictors[key];
  if (locked === undefined) return [`${WEIGHTS_LOCK_FILE} has no entry for ${key}`];
  const problems: string[] = [];
  for (const [name, file] of Object.entries(declarations)) {
    const entry = locked[name];
    if (entry === undefined) {
      problems.push(`weights "${name}" of ${key} is declared but not in ${WEIGHTS_LOCK_FILE}`);
      continue;
    }
    if (entry.url !== file.url)
      problems.push(
        `weights "${name}" of ${key}: url is ${file.url}, ${WEIGHTS_LOCK_FILE} has ${entry.url}`,
      );
    if (entry.sha256 !== file.sha256.toLowerCase())
      problems.push(
        `weights "${name}" of ${key}: sha256 is ${file.sha256}, ${WEIGHTS_LOCK_FILE} has ${entry.sha256}`,
      );
    if (file.size !== undefined && entry.size !== file.size)
      problems.push(
        `weights "${name}" of ${key}: size is ${file.size}, ${WEIGHTS_LOCK_FILE} has ${entry.size}`,
      );
  }
  for (const name of Object.keys(locked)) {
    if (!Object.hasOwn(declarations, name))
      problems.push(
        `weights "${name}" of ${key} is in ${WEIGHTS_LOCK_FILE} but no longer declared`,
      );
  }
  return problems;
}
