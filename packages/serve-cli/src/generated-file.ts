import { existsSync } from "node:fs";
import { relative, resolve } from "node:path";
import { usageError } from "./cli-error.js";

/**
 * Where a command that generates a file (compose, k8s) writes it: `output`
 * under `cwd`, or undefined for `-` (print it). An existing file is kept
 * unless `force`: checked before any slow work, so a refusal comes at once.
 *
 * @example
 * const file = generatedFilePath("k8s.yaml", process.cwd(), false); // throws if it exists
 */
export function generatedFilePath(output: string, cwd: string, force = false): string | undefined {
  if (output === "-") return undefined;
  const file = resolve(cwd, output);
  if (existsSync(file) && !force) {
    throw usageError(
      `${relative(cwd, file) || file} already exists; pass --force to overwrite it, or -o - to print`,
    );
  }
  return file;
}
