import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Logger } from "../../logger.js";
import type { ResolvedServeOptions } from "../../options.js";
import type { AnyPredictor } from "../../predictor.js";
import type { AsyncPredictions } from "../../runtime/async/async-predictions.js";
import type { PredictionService } from "../../runtime/prediction-service.js";

/** What every route is registered with. */
export interface RouteDeps {
  app: OpenAPIHono;
  predictor: AnyPredictor;
  service: PredictionService;
  options: ResolvedServeOptions;
  log: Logger;
  asyncPredictions: AsyncPredictions;
}
