// Serves the fp32 and fp16 weights as two versions of one model, "yolov5"
// (`pnpm --filter @servekit/example-yolov5 versions`): everything goes to fp32
// until the traffic moves (docs/models.md walks through a canary and a shadow).
// The admin routes that move it take their keys from SERVEKIT_ADMIN_KEYS.
import { serve } from "@servekit/core";
import { fp16, fp32 } from "./predictor.js";
import { sharedModelsDir } from "./shared-models-dir.js";

// Each version has its own pool of this many workers.
const workers = process.env.WORKERS ? Number(process.env.WORKERS) : "auto";
const server = await serve([fp32, fp16], {
  port: Number(process.env.PORT) || 8000,
  workers,
  weightsDir: sharedModelsDir(),
  traffic: { yolov5: { weights: { fp32: 100, fp16: 0 } } },
});
await server.ready;
