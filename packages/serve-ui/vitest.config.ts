import { defineConfig } from "vitest/config";

export default defineConfig({ test: { name: "serve-ui", include: ["src/**/*.test.ts"] } });
