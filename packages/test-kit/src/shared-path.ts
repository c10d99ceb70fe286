import { join } from "node:path";
import { fileURLToPath } from "node:url";

// This file is packages/test-kit/src/shared-path.ts: three folders below the root.
const REPO_ROOT = fileURLToPath(new URL("../../..", import.meta.url));

/**
 * A path in the team's shared fixtures (model weights, test images), kept
 * outside the repository: under `$SERVEKIT_SHARED_DIR`, else `../shared`
 * beside the repository. With no segments, the folder itself.
 *
 * @example
 * const bus = readFileSync(sharedPath("images", "bus.jpg"));
 */
export function sharedPath(...segments: string[]): string {
  return join(process.env.SERVEKIT_SHARED_DIR ?? join(REPO_ROOT, "../shared"), ...segments);
}
