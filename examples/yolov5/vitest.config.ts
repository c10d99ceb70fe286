import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "example-yolov5",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    env: { YOLOV5_WEIGHTS_DOWNLOAD: "0" },
  },
});
