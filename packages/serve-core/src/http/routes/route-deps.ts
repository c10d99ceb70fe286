import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Logger } from "../../logger.js";
import type { ResolvedServeOptions } from "../../options.js";
import type { AnyPredictor } from "../../predictor.js";
import type { AsyncPredictions } from "../../runtime/async/async-predictions.js";
import type { ModelRuntime } from "../../runtime/model-runtime.js";
import type { ByteBudget } from "../byte-budget.js";

/** What every route is registered with. */
export interface RouteDeps {
  app: OpenAPIHono;
  predictor: AnyPredictor;
  /** The model runtime this app is a face of: admission, predictions, health. */
  runtime: ModelRuntime;
  options: ResolvedServeOptions;
  log: Logger;
  /** The runtime's async predictions (`runtime.predictions`). */
  asyncPredictions: AsyncPredictions;
  /** Bytes of request bodies being read now, at most `maxBodyBytesInFlight`. */
  receiving: ByteBudget;
}
