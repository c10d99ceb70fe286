import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts" },
  format: ["esm"],
  // The type tests under test/ import the examples' sources; the build only needs src/.
  tsconfig: "tsconfig.build.json",
  dts: true,
  sourcemap: true,
  clean: true,
  // Runs in browsers too: nothing Node-specific is bundled (node:fs is imported lazily by name).
  platform: "neutral",
  target: "es2022",
});
