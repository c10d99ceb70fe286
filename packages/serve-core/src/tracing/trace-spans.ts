import type { Attributes, Context, Link, Span, SpanKind } from "@opentelemetry/api";
import { otel, TRACER_NAME, tracingEnabled } from "./tracing-state.js";

/** Attribute names servekit sets on its spans (documented in docs/observability.md). */
export const SPAN_ATTRIBUTES = {
  model: "servekit.model",
  version: "servekit.model.version",
  requestId: "servekit.request.id",
  batchSize: "servekit.batch.size",
  workerIndex: "servekit.worker",
} as const;

/** How a span is started beyond its name. */
export interface SpanOptions {
  /** @default the active context */
  parent?: Context | undefined;
  attributes?: Attributes;
  links?: Link[];
  kind?: SpanKind;
}

/**
 * Starts span `name` as a child of `parent` (or of the active span);
 * undefined when tracing is off, so callers pay one check.
 *
 * @example
 * const span = startSpan("queue wait");
 * try { await admit(); } finally { endSpan(span); }
 */
export function startSpan(name: string, options: SpanOptions = {}): Span | undefined {
  if (!tracingEnabled()) return undefined;
  const { context, trace, SpanKind } = otel();
  return trace.getTracer(TRACER_NAME).startSpan(
    name,
    {
      kind: options.kind ?? SpanKind.INTERNAL,
      ...(options.attributes ? { attributes: options.attributes } : {}),
      ...(options.links ? { links: options.links } : {}),
    },
    options.parent ?? context.active(),
  );
}

/** Ends `span`; with an error, records it and marks the span failed. No-op without a span. */
export function endSpan(span: Span | undefined, error?: unknown): void {
  if (span === undefined) return;
  if (error !== undefined) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({
      code: otel().SpanStatusCode.ERROR,
      message: error instanceof Error ? error.message : String(error),
    });
  }
  span.end();
}

/** Runs `fn` with `span` active, so its children and log lines join it; just `fn` without a span. */
export function withSpan<T>(span: Span | undefined, fn: () => T, parent?: Context): T {
  if (span === undefined) return fn();
  const { context, trace } = otel();
  return context.with(trace.setSpan(parent ?? context.active(), span), fn);
}

/**
 * Runs `fn` inside span `name` (active meanwhile), ended when `fn` settles
 * and failed if it throws; just `fn` when tracing is off.
 *
 * @example
 * const input = await inSpan("validate input", () => runtime.parseInput(body));
 */
export async function inSpan<T>(
  name: string,
  fn: () => Promise<T>,
  options: SpanOptions = {},
): Promise<T> {
  const span = startSpan(name, options);
  if (span === undefined) return fn();
  try {
    const result = await withSpan(span, fn, options.parent);
    endSpan(span);
    return result;
  } catch (error) {
    endSpan(span, error);
    throw error;
  }
}

/**
 * The active context, to hand on to work started later, when tracing is on
 * and a span is active there (a request's); undefined otherwise, so work
 * outside any request (a stream message) makes no orphan spans.
 */
export function activeTraceContext(): Context | undefined {
  if (!tracingEnabled()) return undefined;
  const { context, trace } = otel();
  const active = context.active();
  return trace.getSpan(active) === undefined ? undefined : active;
}

/** A link to the span active in `ctx`, for a span that serves several requests (a batch). */
export function linkTo(ctx: Context | undefined): Link[] {
  const spanContext = ctx === undefined ? undefined : otel().trace.getSpanContext(ctx);
  return spanContext === undefined ? [] : [{ context: spanContext }];
}
