// The server under test in bench/overload: the YOLOv5 predictor with the
// options the bench sets through the environment (run.ts starts it).
import { serve } from "@servekit/core";
import { predictor } from "@servekit/example-yolov5/predictor";
import { benchWeightsDir } from "../yolov5/weights.js";

await serve(predictor, {
  host: "127.0.0.1",
  port: Number(process.env.PORT),
  workers: Number(process.env.WORKERS),
  maxQueue: Number(process.env.MAX_QUEUE),
  queueTimeoutMs: Number(process.env.QUEUE_TIMEOUT_MS),
  logLevel: "info",
  weightsDir: benchWeightsDir(),
});
