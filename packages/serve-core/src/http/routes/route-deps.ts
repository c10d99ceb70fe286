import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Logger } from "../../logger.js";
import type { ResolvedServeOptions } from "../../options.js";
import type { AnyPredictor } from "../../predictor.js";
import type { ModelRegistry } from "../../runtime/models/model-registry.js";
import type { ByteBudget } from "../byte-budget.js";

/** What every route is registered with. */
export interface RouteDeps {
  app: OpenAPIHono;
  /** The default model's primary version at start: what `/`, the docs and the playground are titled by. */
  predictor: AnyPredictor;
  /** Every model and version served, and their traffic policies. */
  models: ModelRegistry;
  /** The server's options. */
  options: ResolvedServeOptions;
  log: Logger;
  /** Bytes of request bodies being read now, at most `maxBodyBytesInFlight`. */
  receiving: ByteBudget;
}
