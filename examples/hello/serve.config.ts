import { defineConfig } from "@servekit/core";

export default defineConfig({ entry: "src/predictor.ts", port: 8000 });
