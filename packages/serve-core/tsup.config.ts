import { cpSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { defineConfig } from "tsup";

const require = createRequire(import.meta.url);

/**
 * The browser assets the app serves, copied into dist/assets so that users
 * install no package for them: the playground (built by the private
 * @servekit/ui) and Swagger UI (swagger-ui-dist, whose install-time telemetry
 * dependency then never reaches users), with its license and notice.
 */
function bundleBrowserAssets(): void {
  const copy = (packageName: string, folder: string, files: string[]) => {
    const from = dirname(require.resolve(`${packageName}/package.json`));
    const to = join("dist/assets", folder);
    mkdirSync(to, { recursive: true });
    for (const file of files) cpSync(join(from, file), join(to, file.replace(/^dist\//, "")));
  };
  copy("@servekit/ui", "ui", ["dist/app.js", "dist/app.css"]);
  copy("swagger-ui-dist", "docs", ["swagger-ui-bundle.js", "swagger-ui.css", "LICENSE", "NOTICE"]);
}

export default defineConfig({
  entry: {
    index: "src/index.ts",
    "onnx/index": "src/onnx/index.ts",
    "image/index": "src/image/index.ts",
    "testing/index": "src/testing/index.ts",
    // What `@servekit/core` resolves to inside pool workers (the "servekit-worker" condition).
    "worker-entry": "src/worker-entry.ts",
    // Loaded by path from the pool (new Worker(new URL("./worker-main.js", ...))), so it
    // must sit in dist/ beside the chunk that holds the pool.
    "worker-main": "src/runtime/executor/worker-main.ts",
  },
  format: ["esm"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
  splitting: true,
  onSuccess: async () => bundleBrowserAssets(),
});
