// What `@servekit/core` resolves to inside pool workers (the package's
// "servekit-worker" export condition, which start-worker.ts gives each worker).
// A worker imports the user's predictor module, which imports this package,
// but it never serves HTTP: everything a predictor module uses is here; the
// HTTP server, the metrics registries and the stream consumer (Hono,
// prom-client, Redis: ~300 ms of a worker's start) are not. Their names stay,
// so the module links; `serve()` is inert, as it is in any worker, and the
// rest say where they can be used. `worker-entry.test.ts` keeps both entries'
// names the same.
import { ServeError } from "./errors.js";
import type { RunningServer } from "./http/running-server.js";
import { inertServer } from "./inert-server.js";

export { BatchInputError, isBatchInputError } from "./batch/batch-input-error.js";
export { configServeOptions, defineConfig, parseServeConfig, serveConfigSchema } from "./config.js";
export { ConfigError, configProblems, formatConfigProblem, isConfigError } from "./config-error.js";
export { invalidField, ServeError, statusForCode } from "./errors.js";
export { coerceTextValue } from "./input/coerce-text-value.js";
export { file, image } from "./input/file-input.js";
export { findFileFields } from "./input/find-file-fields.js";
export { rowFieldsFromJsonSchema, rowFieldsFromPredictor } from "./input/input-fields.js";
export { createLogger } from "./logger.js";
export { resolveServeOptions, serveOptionsSchema } from "./options.js";
export { definePredictor, isPredictor } from "./predictor.js";
export { Cancellation } from "./runtime/cancellation.js";
export { takeOverServeCalls } from "./serve-takeover.js";
export { consumeOptionsSchema } from "./stream/stream-options-schema.js";
export { startTracing } from "./tracing/start-tracing.js";
export { traceLogOptions } from "./tracing/tracing-state.js";
export { checkWeightsDeclarations, weightsFileName } from "./weights/weights-declaration.js";
export { downloadWeights } from "./weights/weights-download.js";
export { isWeightsError, WeightsError } from "./weights/weights-error.js";
export { cachePath, locateWeights, searchedPaths } from "./weights/weights-location.js";
export {
  lockProblems,
  readWeightsLock,
  verifyWeightsFile,
  WEIGHTS_LOCK_FILE,
  writeWeightsLock,
} from "./weights/weights-lock.js";
export { createWeights } from "./weights/weights-resolver.js";
export { projectRootOf, resolveWeightsSettings } from "./weights/weights-settings.js";
export { z } from "./zod.js";

/** `serve()` in a pool worker: the main thread serves; the worker only imported the module. */
export async function serve(): Promise<RunningServer> {
  return inertServer(
    "serve() inside a pool worker serves nothing; the main thread runs the server",
  );
}

function unavailable(name: string): ServeError {
  return new ServeError(
    "INTERNAL",
    `${name} is not available inside a pool worker, which only runs predictions; use it in the main thread (the module that calls serve())`,
  );
}

function serverOnly(name: string) {
  return (): never => {
    throw unavailable(name);
  };
}

function serverOnlyClass(name: string) {
  return class {
    constructor() {
      throw unavailable(name);
    }
  };
}

export const createApp = serverOnly("createApp");
export const openApiDocument = serverOnly("openApiDocument");
export const uiRoutes = serverOnly("uiRoutes");
export const runBatch = serverOnly("runBatch");
export const resolveConsumeOptions = serverOnly("resolveConsumeOptions");
export const ModelRuntime = serverOnlyClass("ModelRuntime");
export const ModelRegistry = serverOnlyClass("ModelRegistry");
export const StreamConsumer = serverOnlyClass("StreamConsumer");
