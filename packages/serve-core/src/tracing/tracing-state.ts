import type * as OtelApi from "@opentelemetry/api";
import type { Context, Span } from "@opentelemetry/api";

/**
 * Whether this thread exports traces. Everything on the request path checks
 * this one boolean first, so tracing that is off costs a branch and nothing
 * more; the SDK is only ever imported once it is switched on.
 */
let enabled = false;

/**
 * The OpenTelemetry API, given by the tracing start: a thread that never
 * traces (every pool worker, unless OTEL_* says so) does not load it.
 */
let api: typeof OtelApi | undefined;

/** Name of servekit's tracer (instrumentation scope) in every span it makes. */
export const TRACER_NAME = "@servekit/core";

/** Whether tracing is on in this thread (see `startTracing`). */
export function tracingEnabled(): boolean {
  return enabled;
}

/** Switches the per-request span helpers on (with the API they use) or off; called by the tracing start and stop only. */
export function setTracingEnabled(on: boolean, otelApi?: typeof OtelApi): void {
  if (on && otelApi === undefined)
    throw new Error("tracing needs the OpenTelemetry API to switch on");
  api = otelApi ?? api;
  enabled = on;
}

/** The OpenTelemetry API; only called where tracing is on (so it is loaded). */
export function otel(): typeof OtelApi {
  return api!;
}

/**
 * The W3C `traceparent` of the span active in `ctx`, to cross a thread
 * boundary (whatever `OTEL_PROPAGATORS` says); undefined when off or none.
 */
export function traceparentOf(ctx?: Context): string | undefined {
  if (!enabled) return undefined;
  const { context, trace } = otel();
  const span = trace.getSpanContext(ctx ?? context.active());
  if (span === undefined || !trace.isSpanContextValid(span)) return undefined;
  return `00-${span.traceId}-${span.spanId}-0${(span.traceFlags & 1).toString(16)}`;
}

/** The W3C `traceparent` naming `span` as the parent; undefined when off. */
export function traceparentOfSpan(span: Span): string | undefined {
  if (!enabled) return undefined;
  const { trace, ROOT_CONTEXT } = otel();
  return traceparentOf(trace.setSpan(ROOT_CONTEXT, span));
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The context a `traceparent` (from another thread) names, to parent spans on; ROOT when none, undefined when off. */
export function contextFromTraceparent(traceparent: string | undefined): Context | undefined {
  if (!enabled) return undefined;
  const { trace, ROOT_CONTEXT } = otel();
  if (traceparent === undefined) return ROOT_CONTEXT;
  const match = TRACEPARENT.exec(traceparent);
  if (!match) return ROOT_CONTEXT;
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: match[1]!,
    spanId: match[2]!,
    traceFlags: Number.parseInt(match[3]!, 16),
    isRemote: true,
  });
}

const NO_FIELDS: Readonly<Record<string, string>> = Object.freeze({});

/**
 * A pino `mixin`: `trace_id` and `span_id` of the span active where a line
 * is logged, so logs and traces join up; nothing when tracing is off.
 */
export function traceLogFields(): Record<string, string> {
  if (!enabled) return NO_FIELDS as Record<string, string>;
  const span = otel().trace.getActiveSpan();
  if (span === undefined) return NO_FIELDS as Record<string, string>;
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}

/**
 * pino's `mixinMergeStrategy` for {@link traceLogFields}: a line with no
 * span is left as it is (no copy), one with a span gets the ids first.
 */
export function mergeTraceLogFields(line: object, fields: object): object {
  return fields === NO_FIELDS ? line : Object.assign(fields, line);
}

/**
 * pino options that add `trace_id` and `span_id` to lines logged inside a
 * span: servekit's own logger has them; spread them into a logger you pass
 * as the `logger` option to get the same.
 *
 * @example
 * const logger = pino({ level: "info", ...traceLogOptions });
 * serve(predictor, { logger });
 */
export const traceLogOptions = {
  mixin: traceLogFields,
  mixinMergeStrategy: mergeTraceLogFields,
} as const;
