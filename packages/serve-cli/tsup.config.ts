import { defineConfig } from "tsup";

export default defineConfig({
  // `define-config` is `@servekit/cli/config`: what a serve.config.ts imports,
  // without the rest of the CLI (~0.4 s of a server's start).
  entry: { index: "src/index.ts", bin: "src/bin.ts", "define-config": "src/define-config.ts" },
  format: ["esm"],
  dts: { entry: { index: "src/index.ts", "define-config": "src/define-config.ts" } },
  sourcemap: true,
  clean: true,
  target: "node20",
});
