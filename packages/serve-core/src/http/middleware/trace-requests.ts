import type { TextMapGetter } from "@opentelemetry/api";
import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import { SPAN_ATTRIBUTES, startSpan } from "../../tracing/trace-spans.js";
import { otel, tracingEnabled } from "../../tracing/tracing-state.js";

/** Probes and scrapes, polled every few seconds: traced, they would bury the requests that matter. */
const UNTRACED = /^\/(health|v2\/health|metrics)(\/|$)/;

const HEADERS: TextMapGetter<Headers> = {
  get: (headers, key) => headers.get(key) ?? undefined,
  keys: (headers) => [...headers.keys()],
};

/**
 * One SERVER span per request, named after the route template (`POST
 * /predict`), continuing the caller's W3C `traceparent`; active while the
 * request is handled, so the runtime's spans and the log lines join it.
 * With tracing off it only checks a boolean. Health probes and `/metrics`
 * scrapes are not traced.
 */
export function traceRequests(): MiddlewareHandler {
  return async function traceRequest(c, next) {
    if (!tracingEnabled() || UNTRACED.test(c.req.path)) return next();
    // Handed over by the tracing start, as at every span site (tracing-state.ts).
    const { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } = otel();
    const parent = propagation.extract(ROOT_CONTEXT, c.req.raw.headers, HEADERS);
    const span = startSpan(c.req.method, {
      parent,
      kind: SpanKind.SERVER,
      attributes: {
        "http.request.method": c.req.method,
        "url.path": c.req.path,
        [SPAN_ATTRIBUTES.requestId]: c.get("requestId"),
      },
    })!;
    try {
      await context.with(trace.setSpan(parent, span), next);
    } finally {
      const route = routeTemplate(c);
      const status = c.res.status;
      span.updateName(route === undefined ? c.req.method : `${c.req.method} ${route}`);
      span.setAttributes({
        "http.response.status_code": status,
        ...(route === undefined ? {} : { "http.route": route }),
      });
      // Set by the prediction routes once a request is routed to a model-version.
      const model = c.res.headers.get("x-model-name");
      const version = c.res.headers.get("x-model-version");
      if (model) span.setAttribute(SPAN_ATTRIBUTES.model, model);
      if (version) span.setAttribute(SPAN_ATTRIBUTES.version, version);
      // As OpenTelemetry's HTTP conventions say: a server span fails on 5xx, not on a client's 4xx.
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${status}` });
      span.end();
    }
  };
}

/** The pattern of the route that matched; undefined for unknown paths (kept out of span names). */
function routeTemplate(c: Context): string | undefined {
  return matchedRoutes(c).findLast((route) => route.method !== "ALL")?.path;
}
