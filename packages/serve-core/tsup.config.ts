import { defineConfig } from "tsup";

export default defineConfig({
  entry: {
    index: "src/index.ts",
    "onnx/index": "src/onnx/index.ts",
    "image/index": "src/image/index.ts",
    "testing/index": "src/testing/index.ts",
    // Loaded by path from the pool (new Worker(new URL("./worker-main.js", ...))), so it
    // must sit in dist/ beside the chunk that holds the pool.
    "worker-main": "src/executor/worker-main.ts",
  },
  format: ["esm"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
  splitting: true,
});
