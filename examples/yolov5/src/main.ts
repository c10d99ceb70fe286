// Serves the YOLOv5 predictor from code with serve() (bench/yolov5 starts it); `pnpm demo` serves it through serve.config.ts.
import { serve } from "@servekit/core";
import { predictor } from "./predictor.js";
import { sharedModelsDir } from "./shared-models-dir.js";

const workers = process.env.WORKERS ? Number(process.env.WORKERS) : "auto";
const server = await serve(predictor, {
  port: Number(process.env.PORT) || 8000,
  workers,
  weightsDir: sharedModelsDir(),
});
await server.ready;
