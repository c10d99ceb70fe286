import { defineConfig } from "@servekit/core";

// Used by `serve-cli run examples/yolov5` (and `serve-cli build` later):
// one worker thread per core, each with one single-threaded ONNX session.
export default defineConfig({
  entry: "src/predictor.ts",
  port: 8000,
  workers: "auto",
});
