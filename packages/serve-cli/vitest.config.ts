import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "serve-cli",
    include: ["src/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
