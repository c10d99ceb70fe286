import { existsSync } from "node:fs";
import { join } from "node:path";
import { projectRootOf } from "@servekit/core";

// The example's root is examples/yolov5 (its package.json), found from here
// whether this runs from src/ or from a compiled copy deeper down: the
// repository root is two folders above it.
const EXAMPLE_ROOT = projectRootOf(import.meta.url);
const REPO_ROOT = EXAMPLE_ROOT === undefined ? undefined : join(EXAMPLE_ROOT, "..", "..");

/**
 * The team's copies of the model files, for runs inside the servekit
 * repository (which has no internet to download from): `$SERVEKIT_SHARED_DIR/models`,
 * else `../shared/models` beside the repository, when that folder exists
 * and SERVEKIT_WEIGHTS_DIR is unset (when set, it wins). Elsewhere, e.g. in
 * an image or an installed copy, `undefined`. serve.config.ts, main.ts and
 * versions.ts pass it as the `weightsDir` option.
 *
 * @example
 * await serve(predictor, { weightsDir: sharedModelsDir() });
 */
export function sharedModelsDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (nonEmpty(env.SERVEKIT_WEIGHTS_DIR)) return undefined;
  const shared = nonEmpty(env.SERVEKIT_SHARED_DIR);
  const inRepository =
    REPO_ROOT !== undefined && existsSync(join(REPO_ROOT, "pnpm-workspace.yaml"));
  if (shared === undefined && !inRepository) return undefined;
  const dir = join(shared ?? join(REPO_ROOT!, "..", "shared"), "models");
  return existsSync(dir) ? dir : undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}
