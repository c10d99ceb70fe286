import { fileURLToPath } from "node:url";
import { sharedPath } from "@servekit/test-kit";

export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const SHARED_DIR = sharedPath();
