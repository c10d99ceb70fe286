import type { Context } from "hono";
import type { ModelRegistry } from "../runtime/models/model-registry.js";
import type { ModelLease } from "../runtime/models/model-types.js";
import { requestHeader } from "./request-header.js";

/** Request header that asks for one version of the model explicitly. */
export const VERSION_HEADER = "X-Model-Version";
/** Request header whose value keeps a caller on one version (sticky routing). */
export const ROUTING_KEY_HEADER = "X-Routing-Key";

/**
 * Routes a request to a model-version: the model in the path (else the
 * default model), the version in the path or the `X-Model-Version` header
 * (else the traffic policy, sticky by `X-Routing-Key`). The response names
 * the model and version that answer it, errors included. Release the
 * lease when the request is done with the version.
 */
export function leaseFor(
  c: Context,
  models: ModelRegistry,
  options: { routingKey?: string | undefined } = {},
): ModelLease {
  const lease = models.lease(c.req.param("name") ?? models.defaultModel, {
    version: c.req.param("version") ?? (requestHeader(c, "x-model-version") || undefined),
    routingKey: options.routingKey ?? (requestHeader(c, "x-routing-key") || undefined),
    requestId: c.get("requestId"),
  });
  c.header("X-Model-Name", lease.name);
  c.header(VERSION_HEADER, lease.version);
  return lease;
}

/** The same headers on a response made outside the context (a stream). */
export function withModelHeaders(response: Response, lease: ModelLease): Response {
  response.headers.set("X-Model-Name", lease.name);
  response.headers.set(VERSION_HEADER, lease.version);
  return response;
}

/**
 * The paths one prediction route serves: the single-model path (the default
 * model), then the same under `/models/:name` and `/models/:name/versions/:version`.
 */
export function modelPaths(path: string): string[] {
  return [path, `/models/:name${path}`, `/models/:name/versions/:version${path}`];
}
