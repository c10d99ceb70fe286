import { defineConfig } from "@servekit/cli/config";
import { sharedModelsDir } from "./src/shared-models-dir.js";

// The predictor declares its weights (src/weights.ts): found in weightsDir /
// SERVEKIT_WEIGHTS_DIR, weights/ or the cache, else downloaded; `serve-cli
// build` puts them in the image's own layer. Inside this repository the
// team's copies in ../shared/models stand in (no download needed).
export default defineConfig({
  entry: "src/predictor.ts",
  port: 8000,
  // WORKERS=2 pnpm demo: an explicit pool size.
  workers: process.env.WORKERS ? Number(process.env.WORKERS) : "auto",
  weightsDir: sharedModelsDir(),
});
