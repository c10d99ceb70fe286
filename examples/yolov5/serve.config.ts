import { defineConfig } from "@servekit/cli";
import { MODEL_NAMES, resolveWeights } from "./src/weights/index.js";

// Weights found here (env dir, weights/, ../shared/models, cache) go into the
// image's own weights layer; inside the image they are found through YOLOV5_WEIGHTS_DIR.
// A function, so only `serve-cli build` looks for (or downloads) them: `run`,
// `predict`, `openapi` and `compose` load this file without touching weights.
// (The class names are part of the source: src/postprocess/coco-labels.ts.)
const weights = () =>
  Promise.all(MODEL_NAMES.map(async (name) => (await resolveWeights(name)).path));

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
