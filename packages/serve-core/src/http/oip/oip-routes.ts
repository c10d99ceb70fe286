import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { Logger } from "../../logger.js";
import type { ModelRegistry } from "../../runtime/models/model-registry.js";
import type { ByteBudget } from "../byte-budget.js";
import { clientSignal } from "../client-signal.js";
import { leaseFor } from "../model-lease.js";
import { parseInferRequest } from "./infer-request.js";
import { OipError, sendOipError } from "./oip-error.js";
import { outputToTensors, requestedOutputs } from "./output-to-tensors.js";
import { readInferBody } from "./read-infer-body.js";
import { serverMetadata } from "./server-metadata.js";
import { modelMetadata, oipSignature, unmappableReason } from "./tensor-metadata.js";
import { tensorsToInput } from "./tensors-to-input.js";

/** What the protocol's routes share with the rest of the app. */
export interface OipRouteOptions {
  /** The app's budget of request-body bytes in flight (`maxBodyBytesInFlight`), shared with `/predict`. */
  receiving?: ByteBudget | undefined;
}

/** Where the protocol's routes live; each model route also exists under `/versions/:version`. */
const MODEL_PATHS = ["/v2/models/:name", "/v2/models/:name/versions/:version"];

/**
 * The Open Inference Protocol (KServe's v2 REST protocol, Triton's HTTP
 * API) for every model the registry serves: server metadata, liveness and
 * readiness, model metadata and readiness, and inference, with the
 * protocol's `{"error": "..."}` errors. Inference without a version goes
 * through the model's traffic policy (sticky by `X-Routing-Key`, shadowed
 * like `/predict`); with one, to that version.
 *
 * @example
 * registerOipRoutes(app, models, { receiving });
 * // GET /v2/models/yolov5 → { name, versions, platform: "servekit", inputs, outputs }
 */
export function registerOipRoutes(
  app: OpenAPIHono,
  models: ModelRegistry,
  options: OipRouteOptions = {},
): void {
  const handle = protocolErrors(models.log);
  for (const path of ["/v2", "/v2/"])
    app.get(
      path,
      handle((c) => c.json(serverMetadata())),
    );
  app.get(
    "/v2/health/live",
    handle((c) => {
      // DEFUNCT: crashed workers could not be replaced; only a restart helps.
      const live = models.health().status !== "DEFUNCT";
      return c.json({ live }, live ? 200 : 503);
    }),
  );
  app.get(
    "/v2/health/ready",
    handle((c) => {
      const ready = models.isReady;
      // The REST text names this field `live` ($ready_server_response); gRPC and KServe say `ready`.
      return c.json({ ready, live: ready }, ready ? 200 : 503);
    }),
  );
  for (const base of MODEL_PATHS) {
    app.get(
      base,
      handle((c) => c.json(metadataOf(c, models))),
    );
    app.get(
      `${base}/ready`,
      handle((c) => {
        const { name, ready } = readinessOf(c, models);
        return c.json({ name, ready }, ready ? 200 : 503);
      }),
    );
    app.post(
      `${base}/infer`,
      handle((c) => infer(c, models, options)),
    );
  }
  app.all(
    "/v2/*",
    handle((c) => {
      throw new OipError(
        404,
        `no route ${c.req.method} ${c.req.path}; the protocol's routes are GET /v2, /v2/health/live, /v2/health/ready, /v2/models/{name}[/versions/{version}][/ready] and POST /v2/models/{name}[/versions/{version}]/infer`,
      );
    }),
  );
}

type RouteHandler = (c: Context) => Response | Promise<Response>;

/** Wraps a handler so that whatever it throws is sent as the protocol's error object. */
function protocolErrors(log: Logger): (handler: RouteHandler) => RouteHandler {
  return (handler) =>
    async function oipRoute(c) {
      try {
        return await handler(c);
      } catch (error) {
        return sendOipError(c, error, log);
      }
    };
}

function metadataOf(c: Context, models: ModelRegistry) {
  const name = c.req.param("name") ?? "";
  const info = models.info(name);
  const runtime = models.runtime(name, c.req.param("version"));
  return modelMetadata({
    name,
    versions: info.versions.map((v) => v.version),
    predictor: runtime.predictor,
  });
}

/** A version's readiness; without one, the model's: every version it serves is ready. */
function readinessOf(c: Context, models: ModelRegistry): { name: string; ready: boolean } {
  const name = c.req.param("name") ?? "";
  const version = c.req.param("version");
  if (version !== undefined) return { name, ready: models.runtime(name, version).isReady };
  return { name, ready: models.info(name).versions.every((v) => v.ready) };
}

async function infer(c: Context, models: ModelRegistry, options: OipRouteOptions) {
  const arrivedAt = performance.now();
  const lease = leaseFor(c, models);
  try {
    const { runtime } = lease;
    const signature = oipSignature(runtime.predictor);
    const unmappable = unmappableReason(signature);
    if (unmappable) throw new OipError(400, unmappable);
    // Before the body is read: under overload, refusing must cost next to nothing.
    runtime.refuseWhenFull();
    const body = await readInferBody(c, {
      maxBytes: runtime.options.maxBodyBytes,
      timeoutMs: runtime.options.bodyReadTimeoutMs,
      budget: options.receiving,
    });
    const request = parseInferRequest(body);
    const requested = requestedOutputs(signature, request.outputs);
    const raw = tensorsToInput(request, signature);
    // The shadow's own copy, as /predict keeps one.
    const shadowInput = lease.shadow ? structuredClone(raw) : undefined;
    const input = await runtime.parseInput(raw);
    const requestId: string = c.get("requestId");
    const outcome = await runtime.predict(input, {
      requestId,
      signal: clientSignal(c),
      arrivedAt,
    });
    void models.shadow(lease, shadowInput, outcome.output, requestId);
    return c.json({
      model_name: lease.name,
      model_version: lease.version,
      // The request's id, else the server's (X-Request-Id), so every answer can be found in the logs.
      id: request.id ?? requestId,
      outputs: outputToTensors(outcome.output, signature, requested),
    });
  } finally {
    lease.release();
  }
}
