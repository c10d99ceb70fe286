import type { ServeConfig } from "@servekit/core";
import type { BuildSettings } from "./container/build-settings.js";

/** A `serve.config.ts`: server options (see `serveOptionsSchema`), `entry` or `models`, and `build`. */
export type ServeCliConfig = Omit<ServeConfig, "build"> & { build?: BuildSettings };

/**
 * Types a `serve.config.ts` file, `build` settings included. CLI flags
 * override the server options it sets.
 *
 * @example
 * // serve.config.ts (`@servekit/cli` exports it too; `/config` loads nothing else)
 * import { defineConfig } from "@servekit/cli/config";
 * export default defineConfig({
 *   entry: "predictor.ts",
 *   workers: "auto",
 *   build: { weights: ["weights/model.onnx"], env: { MODEL_DIR: "/srv/weights" } },
 * });
 * // or several predictors in one server, the first the default model:
 * export default defineConfig({
 *   models: ["fp32.ts", { entry: "versions.ts:fp16", options: { workers: 1 } }],
 *   traffic: { yolov5: { weights: { fp32: 95, fp16: 5 } } },
 * });
 */
export function defineConfig(config: ServeCliConfig): ServeCliConfig {
  return config;
}
