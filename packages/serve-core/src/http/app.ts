import { OpenAPIHono } from "@hono/zod-openapi";
import type { ServeOptions } from "../options.js";
import type { AnyPredictor } from "../predictor.js";
import { ModelRuntime } from "../runtime/model-runtime.js";
import { ByteBudget } from "./byte-budget.js";
import { accessLog } from "./middleware/access-log.js";
import { apiKeyAuth } from "./middleware/api-key-auth.js";
import { crossOrigin } from "./middleware/cross-origin.js";
import { errorHandler, notFoundHandler } from "./middleware/error-handler.js";
import { httpMetrics } from "./middleware/http-metrics.js";
import { rateLimit } from "./middleware/rate-limit.js";
import { requestIdMiddleware } from "./middleware/request-id.js";
import { registerCancelPredictionRoute } from "./routes/cancel-prediction.js";
import { registerDocsRoutes } from "./routes/docs.js";
import { registerGetPredictionRoute } from "./routes/get-prediction.js";
import { registerHealthRoutes } from "./routes/health.js";
import { registerMetricsRoute } from "./routes/metrics.js";
import { documentedRoutes, registerOpenApiRoute } from "./routes/openapi.js";
import { registerPredictRoute } from "./routes/predict.js";
import { registerPredictionsRoute } from "./routes/predictions.js";
import { registerPutPredictionRoute } from "./routes/put-prediction.js";
import { registerRootRoute } from "./routes/root.js";
import type { RouteDeps } from "./routes/route-deps.js";
import { uiRoutes } from "./routes/ui.js";

/** Start-up and shutdown of an app made by {@link createApp}: its {@link ModelRuntime}. */
export type AppLifecycle = Pick<ModelRuntime, "ready" | "health" | "drain" | "flush" | "close">;

/** A Hono app serving one predictor, plus its lifecycle (the model runtime under it). */
export type ServekitApp = OpenAPIHono & { lifecycle: AppLifecycle };

/**
 * Builds the HTTP app for a predictor and starts its setup: a thin face over
 * a {@link ModelRuntime} (made here from `options`, or the one given, whose
 * own options then apply). The result is a plain Hono app: serve it yourself
 * or mount it in another one.
 *
 * @example
 * const app = createApp(predictor, { workers: 2 });
 * parent.route("/models/echo", app);
 */
export function createApp(
  model: AnyPredictor | ModelRuntime,
  options: ServeOptions = {},
): ServekitApp {
  const runtime = model instanceof ModelRuntime ? model : new ModelRuntime(model, options);
  const { predictor, options: resolved, log, metrics } = runtime;
  const app = new OpenAPIHono();
  const deps: RouteDeps = {
    app,
    predictor,
    runtime,
    options: resolved,
    log,
    asyncPredictions: runtime.predictions,
    // Bytes of request bodies being read now, at most `maxBodyBytesInFlight`.
    receiving: new ByteBudget(resolved.maxBodyBytesInFlight),
  };

  app.use(requestIdMiddleware());
  if (metrics) app.use(httpMetrics(metrics));
  if (resolved.cors) app.use(crossOrigin(resolved.cors));
  app.use(accessLog(log));
  if (resolved.apiKeys.length > 0) {
    app.use(apiKeyAuth({ keys: resolved.apiKeys, publicPaths: resolved.publicPaths }));
  }
  if (resolved.rateLimit) {
    app.use(rateLimit({ ...resolved.rateLimit, exemptPaths: resolved.publicPaths }));
  }
  app.onError(errorHandler(log));
  app.notFound(notFoundHandler());

  registerRootRoute(deps);
  registerHealthRoutes(deps);
  registerPredictRoute(deps);
  registerPredictionsRoute(deps);
  registerGetPredictionRoute(deps);
  registerPutPredictionRoute(deps);
  registerCancelPredictionRoute(deps);
  registerOpenApiRoute(deps);
  if (metrics) registerMetricsRoute(deps, metrics);
  if (resolved.docs) registerDocsRoutes(deps);
  if (resolved.ui) app.route("/", uiRoutes({ title: predictor.name }));
  // In the app's own registry too, so a parent OpenAPIHono that mounts this app documents its routes.
  for (const route of documentedRoutes(predictor, resolved))
    app.openAPIRegistry.registerPath(route);

  return Object.assign(app, { lifecycle: runtime });
}
