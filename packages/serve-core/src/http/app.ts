import { OpenAPIHono } from "@hono/zod-openapi";
import { HttpMetrics } from "../metrics/http-metrics.js";
import type { ServeOptions } from "../options.js";
import type { AnyPredictor } from "../predictor.js";
import { ModelRuntime } from "../runtime/model-runtime.js";
import { ModelRegistry } from "../runtime/models/model-registry.js";
import type { ModelEntry } from "../runtime/models/model-types.js";
import { ByteBudget } from "./byte-budget.js";
import { type FastPredict, fastPredict } from "./fast-predict.js";
import { accessLog } from "./middleware/access-log.js";
import { apiKeyAuth } from "./middleware/api-key-auth.js";
import { crossOrigin } from "./middleware/cross-origin.js";
import { errorHandler, notFoundHandler } from "./middleware/error-handler.js";
import { httpMetrics } from "./middleware/http-metrics.js";
import { rateLimit } from "./middleware/rate-limit.js";
import { requestIdMiddleware } from "./middleware/request-id.js";
import { traceRequests } from "./middleware/trace-requests.js";
import { registerOipRoutes } from "./oip/oip-routes.js";
import { registerAdminRoutes } from "./routes/admin.js";
import { registerCancelPredictionRoute } from "./routes/cancel-prediction.js";
import { registerDocsRoutes } from "./routes/docs.js";
import { registerGetPredictionRoute } from "./routes/get-prediction.js";
import { registerHealthRoutes } from "./routes/health.js";
import { registerMetricsRoute } from "./routes/metrics.js";
import { registerModelRoutes } from "./routes/models.js";
import { documentedRoutes, registerOpenApiRoute } from "./routes/openapi.js";
import { registerPredictRoute } from "./routes/predict.js";
import { registerPredictionsRoute } from "./routes/predictions.js";
import { registerPutPredictionRoute } from "./routes/put-prediction.js";
import { registerRootRoute } from "./routes/root.js";
import type { RouteDeps } from "./routes/route-deps.js";
import { uiRoutes } from "./routes/ui.js";

/** Start-up and shutdown of an app made by {@link createApp}: every model-version under it. */
export type AppLifecycle = Pick<ModelRegistry, "ready" | "health" | "drain" | "flush" | "close">;

/** A Hono app serving one or more models, plus their lifecycle and registry. */
export type ServekitApp = OpenAPIHono & { lifecycle: AppLifecycle; models: ModelRegistry };

/** What {@link createApp} serves: a predictor, several model-versions, or a runtime or registry made already. */
export type Served = AnyPredictor | readonly ModelEntry[] | ModelRuntime | ModelRegistry;

/**
 * Builds the HTTP app for one predictor or several model-versions and
 * starts their setup: a thin face over a {@link ModelRegistry} of
 * {@link ModelRuntime}s (made here from `options`, or the ones given, whose
 * own options then apply). The result is a plain Hono app: serve it
 * yourself or mount it in another one.
 *
 * @example
 * const app = createApp(predictor, { workers: 2 });
 * const versions = createApp([v1, v2], { traffic: { echo: { weights: { "1.0.0": 90, "2.0.0": 10 } } } });
 */
export function createApp(served: Served, options: ServeOptions = {}): ServekitApp {
  return buildApp(served, options).app;
}

/**
 * {@link createApp}'s app, and the fast path for predictions that `serve()`
 * puts in front of it on node:http (see {@link fastPredict}).
 */
export function buildApp(
  served: Served,
  options: ServeOptions = {},
): { app: ServekitApp; fastPredict: FastPredict } {
  const models = toRegistry(served, options);
  const resolved = models.options;
  const app = new OpenAPIHono();
  const deps: RouteDeps = {
    app,
    predictor: models.runtime(models.defaultModel).predictor,
    models,
    options: resolved,
    log: models.log,
    // Bytes of request bodies being read now, at most `maxBodyBytesInFlight`.
    receiving: new ByteBudget(resolved.maxBodyBytesInFlight),
  };
  const metrics = resolved.metrics ? new HttpMetrics() : undefined;
  const { predictor, log } = deps;

  app.use(requestIdMiddleware());
  // Before the access log, so its line carries the request's trace and span ids.
  app.use(traceRequests());
  if (metrics) app.use(httpMetrics(metrics));
  if (resolved.cors) app.use(crossOrigin(resolved.cors));
  app.use(accessLog(log));
  if (resolved.apiKeys.length > 0) {
    // The admin routes take admin keys only (see registerAdminRoutes); an admin key opens the rest too.
    const publicPaths = [...resolved.publicPaths, "/admin"];
    const keys = [...resolved.apiKeys, ...resolved.adminApiKeys];
    app.use(apiKeyAuth({ keys, publicPaths }));
  }
  if (resolved.rateLimit) {
    app.use(rateLimit({ ...resolved.rateLimit, exemptPaths: resolved.publicPaths }));
  }
  app.onError(errorHandler(log));
  app.notFound(notFoundHandler());

  registerRootRoute(deps);
  registerHealthRoutes(deps);
  registerModelRoutes(deps);
  registerAdminRoutes(deps);
  registerPredictRoute(deps);
  registerPredictionsRoute(deps);
  registerGetPredictionRoute(deps);
  registerPutPredictionRoute(deps);
  registerCancelPredictionRoute(deps);
  registerOpenApiRoute(deps);
  if (metrics) registerMetricsRoute(deps, metrics);
  registerOipRoutes(app, models, { receiving: deps.receiving });
  if (resolved.docs) registerDocsRoutes(deps);
  if (resolved.ui) app.route("/", uiRoutes({ title: predictor.name }));
  // In the app's own registry too, so a parent OpenAPIHono that mounts this app documents its routes.
  const predictors = models.runtimes().map((r) => r.predictor);
  for (const route of documentedRoutes(predictors, resolved))
    app.openAPIRegistry.registerPath(route);

  return {
    app: Object.assign(app, { lifecycle: models, models }),
    fastPredict: fastPredict({
      models,
      options: resolved,
      log,
      receiving: deps.receiving,
      metrics,
    }),
  };
}

function toRegistry(served: Served, options: ServeOptions): ModelRegistry {
  if (served instanceof ModelRegistry) return served;
  // A runtime made already keeps its own options (and logger).
  if (served instanceof ModelRuntime)
    return new ModelRegistry([served], { ...(served.options as ServeOptions), logger: served.log });
  return new ModelRegistry(Array.isArray(served) ? served : [served as AnyPredictor], options);
}
