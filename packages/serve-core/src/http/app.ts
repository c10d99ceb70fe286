import { OpenAPIHono } from "@hono/zod-openapi";
import { createLogger } from "../logger.js";
import { ServeMetrics } from "../metrics/serve-metrics.js";
import { resolveServeOptions, type ServeOptions } from "../options.js";
import type { AnyPredictor } from "../predictor.js";
import { AsyncPredictions } from "../runtime/async/async-predictions.js";
import { inPoolWorker } from "../runtime/executor/pool-worker-context.js";
import { type Health, PredictionService } from "../runtime/prediction-service.js";
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
import { registerOpenApiRoute } from "./routes/openapi.js";
import { registerPredictRoute } from "./routes/predict.js";
import { registerPredictionsRoute } from "./routes/predictions.js";
import { registerPutPredictionRoute } from "./routes/put-prediction.js";
import { registerRootRoute } from "./routes/root.js";
import type { RouteDeps } from "./routes/route-deps.js";
import { uiRoutes } from "./routes/ui.js";

/** Start-up and shutdown of an app made by {@link createApp}. */
export interface AppLifecycle {
  /** Resolves when setup has finished (check `health().status` for the result). */
  ready: Promise<void>;
  health(): Health;
  /** Stops accepting predictions; resolves true once running and queued ones finished, false after `graceMs`. */
  drain(graceMs: number): Promise<boolean>;
  /** Waits for pending webhook deliveries; resolves true once sent (or given up), false after `graceMs`. */
  flush(graceMs: number): Promise<boolean>;
  /** Stops the workers and closes the async-prediction journal. */
  close(): Promise<void>;
}

/** A Hono app serving one predictor, plus its lifecycle. */
export type ServekitApp = OpenAPIHono & { lifecycle: AppLifecycle };

/**
 * Builds the HTTP app for a predictor and starts its setup. The result is a
 * plain Hono app: serve it yourself or mount it in another one.
 *
 * @example
 * const app = createApp(predictor, { workers: 2 });
 * parent.route("/models/echo", app);
 */
export function createApp(predictor: AnyPredictor, options: ServeOptions = {}): ServekitApp {
  const resolved = resolveServeOptions(options);
  if (inPoolWorker() && resolved.workers > 0) {
    throw new Error(
      `createApp(${predictor.name}) ran inside one of its own worker threads (the module that defines the predictor creates the app at import time); create the app in a separate entry module`,
    );
  }
  const log = resolved.logger ?? createLogger({ level: resolved.logLevel, name: predictor.name });
  // Metrics: one registry per app (several apps may share a process).
  const metrics = resolved.metrics
    ? new ServeMetrics({ predictor, workers: resolved.workers, log })
    : undefined;
  const service = new PredictionService({ predictor, options: resolved, log, metrics });
  metrics?.watch(service);
  // The journal opens before setup starts: a `journalDir` that cannot be used
  // throws here, before any worker thread exists to keep the process up.
  let started: Promise<void> | undefined;
  const asyncPredictions = new AsyncPredictions({
    predictor,
    service,
    options: resolved,
    log,
    ready: Promise.resolve().then(() => started),
  });
  const ready = service.start();
  started = ready;
  const app = new OpenAPIHono();
  const deps: RouteDeps = { app, predictor, service, options: resolved, log, asyncPredictions };

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

  const lifecycle: AppLifecycle = {
    ready,
    health: () => service.health(),
    drain: (graceMs) => service.drain(graceMs),
    flush: (graceMs) => asyncPredictions.flush(graceMs),
    close: async () => {
      // Journal first: what the closing workers abort stays unfinished there, to re-run on start.
      await asyncPredictions.close();
      await service.close();
    },
  };
  return Object.assign(app, { lifecycle });
}
