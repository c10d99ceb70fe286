import { defineConfig } from "vitest/config";
import { sharedModelsDir } from "./src/shared-models-dir.js";

// Tests never download (there is no internet here): they use the team's
// copies in ../shared/models, for the predictor imported in-process as for
// the servers they spawn.
const models = sharedModelsDir();

export default defineConfig({
  test: {
    name: "example-yolov5",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    env: { SERVEKIT_OFFLINE: "1", ...(models ? { SERVEKIT_WEIGHTS_DIR: models } : {}) },
  },
});
