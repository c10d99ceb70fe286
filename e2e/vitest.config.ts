import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "outside",
    include: ["**/*.test.ts"],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    // One flow at a time: each installs from the registry and builds an image.
    fileParallelism: false,
  },
});
