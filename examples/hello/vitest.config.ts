import { defineConfig } from "vitest/config";

export default defineConfig({ test: { name: "example-hello", include: ["src/**/*.test.ts"] } });
