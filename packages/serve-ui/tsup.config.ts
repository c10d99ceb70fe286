import { defineConfig } from "tsup";

// One self-contained script and stylesheet, served by every predictor's app at /ui.
export default defineConfig({
  entry: { app: "src/main.ts" },
  format: ["iife"],
  platform: "browser",
  target: "es2020",
  minify: true,
  sourcemap: true,
  clean: true,
  outExtension: () => ({ js: ".js" }),
});
