import cluster from "node:cluster";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { buildApp } from "./http/app.js";
import { runClusterPrimary } from "./http/cluster-primary.js";
import { clusterWorkerPort, reportReadyToPrimary } from "./http/cluster-worker.js";
import { trackOpenResponses } from "./http/open-responses.js";
import type { RunningServer } from "./http/running-server.js";
import { inertServer } from "./inert-server.js";
import { createLogger } from "./logger.js";
import { resolveServeOptions, type ServeOptions } from "./options.js";
import type { AnyPredictor } from "./predictor.js";
import { inPoolWorker } from "./runtime/executor/pool-worker-context.js";
import type { ModelEntry } from "./runtime/models/model-types.js";
import { entryPredictor } from "./runtime/models/version-options.js";
import { recordTakenOverServe } from "./serve-takeover.js";
import { StreamConsumer } from "./stream/stream-consumer.js";
import { startTracing } from "./tracing/start-tracing.js";

export type { RunningServer };

/**
 * Serves a predictor, or several models and versions, over HTTP. Listens
 * at once (health says STARTING while setup runs); on SIGTERM/SIGINT
 * finishes in-flight predictions and exits 0. With `processes` > 1 this
 * process becomes a cluster primary that forks that many processes sharing
 * the port and serves nothing itself.
 *
 * @example
 * const server = await serve(predictor, { port: 8000, workers: 2 });
 * await server.ready;
 * const canary = await serve([v1, { predictor: v2, options: { workers: 1 } }], {
 *   traffic: { detector: { weights: { "1.0.0": 95, "2.0.0": 5 } } },
 * });
 */
export async function serve(
  served: AnyPredictor | readonly ModelEntry[],
  options: ServeOptions = {},
): Promise<RunningServer> {
  const entries: readonly ModelEntry[] = Array.isArray(served) ? served : [served as AnyPredictor];
  if (entries.length === 0) throw new TypeError("serve() needs at least one predictor");
  const predictor = entryPredictor(entries[0]!);
  if (inPoolWorker())
    return inertServer(
      "serve() inside a pool worker serves nothing; the main thread runs the server",
    );
  if (recordTakenOverServe(entries, options))
    return inertServer(
      "serve() was taken over by serve-cli run, which serves this predictor itself",
    );
  const resolved = resolveServeOptions(options);
  const log =
    resolved.logger ??
    createLogger({
      level: resolved.logLevel,
      name: entries.length > 1 ? "servekit" : predictor.name,
    });
  const clusterPort = clusterWorkerPort();
  if (cluster.isPrimary && resolved.processes > 1)
    return runClusterPrimary({
      processes: resolved.processes,
      port: resolved.port,
      host: resolved.host,
      shutdownGraceMs: resolved.shutdownGraceMs,
      handleSignals: resolved.handleSignals,
      name: predictor.name,
      log,
    });
  // Only when OTEL_* asks for it (docs/observability.md); the SDK is not even loaded otherwise.
  const tracing = await startTracing({
    serviceName: entries.length > 1 ? "servekit" : predictor.name,
    serviceVersion: entries.length > 1 ? undefined : predictor.version,
    log,
  }).catch((error: unknown) => {
    log.warn({ err: error }, "could not start tracing; serving without it");
    return undefined;
  });
  const { app, fastPredict } = buildApp(entries, { ...options, logger: log });
  // Imported once serving: a module that pool workers import only calls serve() to be taken over.
  const { getRequestListener } = await import("@hono/node-server");
  const hono = getRequestListener(app.fetch, { hostname: resolved.host });
  const server = await new Promise<Server>((resolve, reject) => {
    // Node's own limit on receiving a whole request (300 s by default) backs up
    // the body-read timeout, for bodies no route reads (a refused one is discarded).
    const requestTimeout = resolved.bodyReadTimeoutMs + 5_000;
    const s = createServer(
      { requestTimeout, headersTimeout: Math.min(60_000, requestTimeout) },
      // Predictions on node:http itself where it can; everything else through Hono.
      (request, response) => fastPredict(request, response) || void hono(request, response),
    );
    s.listen(clusterPort ?? resolved.port, resolved.host, () => resolve(s));
    s.once("error", reject);
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost =
    resolved.host === "0.0.0.0" || resolved.host === "::" ? "127.0.0.1" : resolved.host;
  const url = `http://${shownHost}:${port}`;
  const names = app.models.list().flatMap((m) => m.versions.map((v) => `${m.name}@${v.version}`));
  log.info(
    { url, workers: resolved.workers },
    entries.length > 1 ? `serving ${names.join(", ")}` : `serving ${predictor.name}`,
  );

  // With `consume`, the same runtimes also consume a Redis stream (docs/streaming.md).
  const consumer = resolved.consume
    ? new StreamConsumer(app.models, resolved.consume, { log })
    : undefined;
  if (consumer && resolved.metrics) app.models.addMetricsRegistry(consumer.metricsRegistry);
  await consumer?.start().catch(async (error: unknown) => {
    server.close();
    await app.lifecycle.close();
    throw error;
  });

  const openResponses = trackOpenResponses(server);
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      const deadline = Date.now() + resolved.shutdownGraceMs;
      // Stream messages in flight are predicted and acknowledged before the runtimes stop accepting.
      if (consumer && !(await consumer.stop(resolved.shutdownGraceMs)))
        log.warn("shutdown grace period over; unfinished stream messages stay pending for others");
      // The listener stays open while draining: a new request gets 503 DRAINING, not a refused connection.
      const drained = app.lifecycle.drain(Math.max(0, deadline - Date.now()));
      if (!(await drained))
        log.warn(
          { graceMs: resolved.shutdownGraceMs },
          "shutdown grace period over; answering running and queued predictions 503 DRAINING",
        );
      // Webhooks of the predictions that just finished, in what is left of the grace period.
      if (!(await app.lifecycle.flush(Math.max(0, deadline - Date.now()))))
        log.warn("shutdown grace period over; some webhook deliveries were not made");
      server.close();
      if ("closeIdleConnections" in server) server.closeIdleConnections();
      await app.lifecycle.close();
      // The 503s that close() just gave are written before the connections go.
      await openResponses.settled(1_000);
      // A keep-alive connection that was busy a moment ago (a health poll) would
      // otherwise go on answering requests after the server says it stopped.
      if ("closeAllConnections" in server) server.closeAllConnections();
      // The last spans (the workers' were sent as their pool closed) go before the process exits.
      await tracing?.shutdown().catch((error: unknown) => {
        log.warn({ err: error }, "could not send the last traces");
      });
      log.info("server stopped");
    })();
    return closing;
  };

  if (clusterPort !== undefined) void app.lifecycle.ready.then(reportReadyToPrimary);
  if (resolved.handleSignals || clusterPort !== undefined) {
    const onSignal = (signal: NodeJS.Signals) => {
      log.info({ signal }, "shutting down: finishing in-flight predictions");
      void close().then(() => {
        process.exitCode = 0;
        // A forked process's IPC channel to the primary would keep it up.
        if (clusterPort !== undefined) process.exit(0);
        // Anything still holding the event loop open (a stray timer in user code) must not keep us up.
        setTimeout(() => process.exit(0), 1_000).unref();
      });
    };
    process.once("SIGTERM", onSignal);
    process.once("SIGINT", onSignal);
  }

  return { app, models: app.models, url, port, ready: app.lifecycle.ready, close };
}
