// Loaded with a dynamic import, and only when tracing is on: a server that
// does not trace never loads the OpenTelemetry SDK.
import * as otelApi from "@opentelemetry/api";
import { context, propagation, type TextMapPropagator, trace } from "@opentelemetry/api";
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from "@opentelemetry/core";
import { OTLPTraceExporter as OtlpJsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as OtlpProtoExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { defaultResource, resourceFromAttributes } from "@opentelemetry/resources";
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  ParentBasedSampler,
  type Sampler,
  type SpanExporter,
  TraceIdRatioBasedSampler,
} from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import type { Logger } from "../logger.js";
import { ReportingExporter } from "./reporting-exporter.js";
import type { SamplerChoice, TracingSettings } from "./tracing-env.js";
import { setTracingEnabled } from "./tracing-state.js";

/** What the SDK is started with: settings from the environment, plus who is being traced. */
export interface SdkOptions {
  settings: TracingSettings;
  /** `service.name` unless `OTEL_SERVICE_NAME` or `OTEL_RESOURCE_ATTRIBUTES` name one. */
  serviceName: string;
  serviceVersion: string | undefined;
  log: Logger;
  /** Replaces the OTLP/console exporter (tests: an InMemorySpanExporter). */
  exporter?: SpanExporter;
  /** How long spans wait to be sent in a batch. @default 5000 (the SDK's) */
  scheduledDelayMillis?: number;
}

/** A started tracer provider: flush it, or flush and stop it. */
export interface SdkHandle {
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** Starts a tracer provider with a BatchSpanProcessor and registers it (and W3C propagation) globally. */
export function startSdk(options: SdkOptions): SdkHandle {
  const { settings, log } = options;
  const resource = defaultResource().merge(
    resourceFromAttributes({
      "service.name": options.serviceName,
      ...(options.serviceVersion === undefined
        ? {}
        : { "service.version": options.serviceVersion }),
      ...settings.resourceAttributes,
    }),
  );
  const exporter = new ReportingExporter(
    options.exporter ?? makeExporter(settings),
    log,
    settings.exporter === "otlp" ? settings.url : "console",
  );
  const provider = new NodeTracerProvider({
    resource,
    sampler: makeSampler(settings.sampler, settings.samplerRatio),
    spanProcessors: [
      new BatchSpanProcessor(exporter, {
        ...(options.scheduledDelayMillis === undefined
          ? {}
          : { scheduledDelayMillis: options.scheduledDelayMillis }),
      }),
    ],
  });
  // An AsyncLocalStorage context manager: a span started inside another's callback is its child.
  provider.register({ propagator: makePropagator(settings.propagators) });
  setTracingEnabled(true, otelApi);
  return {
    forceFlush: () => provider.forceFlush(),
    async shutdown() {
      setTracingEnabled(false);
      try {
        await provider.shutdown();
      } finally {
        trace.disable();
        context.disable();
        propagation.disable();
      }
    },
  };
}

function makeExporter(settings: TracingSettings): SpanExporter {
  if (settings.exporter === "console") return new ConsoleSpanExporter();
  const config = {
    url: settings.url,
    headers: settings.headers,
    ...(settings.timeoutMillis === undefined ? {} : { timeoutMillis: settings.timeoutMillis }),
  };
  return settings.protocol === "http/json"
    ? new OtlpJsonExporter(config)
    : new OtlpProtoExporter(config);
}

function makeSampler(choice: SamplerChoice, ratio: number): Sampler {
  switch (choice) {
    case "always_on":
      return new AlwaysOnSampler();
    case "always_off":
      return new AlwaysOffSampler();
    case "traceidratio":
      return new TraceIdRatioBasedSampler(ratio);
    case "parentbased_always_on":
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case "parentbased_always_off":
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case "parentbased_traceidratio":
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
    default: {
      const never: never = choice;
      throw new Error(`unknown sampler ${String(never)}`);
    }
  }
}

function makePropagator(names: ("tracecontext" | "baggage")[]): TextMapPropagator | null {
  if (names.length === 0) return null;
  return new CompositePropagator({
    propagators: names.map((name) =>
      name === "tracecontext" ? new W3CTraceContextPropagator() : new W3CBaggagePropagator(),
    ),
  });
}
