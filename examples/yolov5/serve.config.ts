import { defineConfig } from "@servekit/core";
import { MODEL_NAMES, resolveLabels, resolveWeights } from "./src/weights/index.js";

// Weights found here (env dir, weights/, ../shared/models, cache) go into the
// image's own weights layer; inside the image they are found through YOLOV5_WEIGHTS_DIR.
const weights = await Promise.all([
  ...MODEL_NAMES.map(async (name) => (await resolveWeights(name)).path),
  resolveLabels().then((found) => found.path),
]);

export default defineConfig({
  entry: "src/predictor.ts",
  port: 8000,
  // WORKERS=2 pnpm demo: an explicit pool size.
  workers: process.env.WORKERS ? Number(process.env.WORKERS) : "auto",
  build: {
    weights,
    env: { YOLOV5_WEIGHTS_DIR: "/srv/weights", YOLOV5_WEIGHTS_DOWNLOAD: "0" },
  },
});
