// What bench/models-memory measures: the YOLOv5 example as one version
// (`predictor`, both weights files in every worker) or as two (`fp32` and
// `fp16`, one file each), with WORKERS workers per version.
import { serve } from "@servekit/core";
import { fp16, fp32, predictor } from "@servekit/example-yolov5/predictor";
import { benchWeightsDir } from "../yolov5/weights.js";

const workers = Number(process.env.WORKERS ?? 1);
const served = process.env.SERVED === "versions" ? [fp32, fp16] : [predictor];
await serve(served, {
  host: "127.0.0.1",
  port: 0,
  workers,
  logLevel: "info",
  weightsDir: benchWeightsDir(),
});
