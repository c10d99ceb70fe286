import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const SHARED_DIR = process.env.SERVEKIT_SHARED_DIR ?? join(REPO_ROOT, "../shared");
