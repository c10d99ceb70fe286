import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";

/**
 * Why `serve-cli build --gpu` would not give a GPU image for the project in
 * `packageDir`, or undefined. onnxruntime-node fetches its CUDA provider in
 * its install script, and pnpm 10 runs a dependency's install script only
 * when `pnpm.onlyBuiltDependencies` allows it: a root package.json that lists
 * onnxruntime-node in `ignoredBuiltDependencies` (or leaves it out of
 * `onlyBuiltDependencies`) makes `--gpu` a silent no-op.
 */
export function gpuInstallProblem(packageDir: string): string | undefined {
  const root = workspaceRoot(packageDir) ?? packageDir;
  const file = join(root, "package.json");
  if (!existsSync(file)) return undefined;
  const pnpm = (JSON.parse(readFileSync(file, "utf8")) as { pnpm?: PnpmSettings }).pnpm;
  const shown = relative(process.cwd(), file) || file;
  const fix = `move "onnxruntime-node" to pnpm.onlyBuiltDependencies in ${shown}`;
  if (pnpm?.ignoredBuiltDependencies?.includes("onnxruntime-node")) {
    return `--gpu needs onnxruntime-node's install script (it downloads the CUDA provider), but ${shown} lists it in pnpm.ignoredBuiltDependencies, so the image would run on the CPU; ${fix}`;
  }
  if (pnpm?.onlyBuiltDependencies && !pnpm.onlyBuiltDependencies.includes("onnxruntime-node")) {
    return `--gpu needs onnxruntime-node's install script (it downloads the CUDA provider), but pnpm.onlyBuiltDependencies in ${shown} does not allow it, so the image would run on the CPU; add "onnxruntime-node" there`;
  }
  return undefined;
}

interface PnpmSettings {
  onlyBuiltDependencies?: string[];
  ignoredBuiltDependencies?: string[];
}

function workspaceRoot(dir: string): string | undefined {
  for (let current = dir; ; current = dirname(current)) {
    if (existsSync(join(current, "pnpm-workspace.yaml"))) return current;
    if (dirname(current) === current) return undefined;
  }
}
