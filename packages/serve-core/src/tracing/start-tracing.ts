import type { SpanExporter } from "@opentelemetry/sdk-trace-base";
import type { Logger } from "../logger.js";
import { tracingSettingsFromEnv } from "./tracing-env.js";
import type { SdkHandle } from "./tracing-sdk.js";

/** How {@link startTracing} starts (or doesn't start) tracing. */
export interface StartTracingOptions {
  /** Where `service.name` comes from unless `OTEL_SERVICE_NAME` says otherwise: the model's name. */
  serviceName: string;
  serviceVersion?: string;
  log: Logger;
  /** The `OTEL_*` variables to read. @default process.env */
  env?: Record<string, string | undefined>;
  /** Spans go here instead of OTLP, and tracing is on whatever `env` says (tests). */
  exporter?: SpanExporter;
  /** How long finished spans wait to be sent together. @default 5000 */
  scheduledDelayMillis?: number;
}

/** Tracing that has been started: flush it, or stop it (flushing first). */
export interface Tracing {
  /** Sends the spans that wait in the batch now. */
  forceFlush(): Promise<void>;
  /** Flushes and stops; the last user of a shared provider really stops it. */
  shutdown(): Promise<void>;
}

// One tracer provider per thread, shared by every server started in it.
let shared: { sdk: Promise<SdkHandle>; users: number } | undefined;

/**
 * Starts OpenTelemetry tracing when the standard environment asks for it
 * (`OTEL_TRACES_EXPORTER=otlp`, or `OTEL_EXPORTER_OTLP_ENDPOINT`; see
 * docs/observability.md) and resolves to undefined otherwise. The SDK is
 * imported only then; off, tracing costs one boolean check per request.
 *
 * @example
 * const tracing = await startTracing({ serviceName: "echo", log });
 * // … serve …
 * await tracing?.shutdown(); // sends the last spans
 */
export async function startTracing(options: StartTracingOptions): Promise<Tracing | undefined> {
  const env = options.env ?? process.env;
  const forced = options.exporter !== undefined;
  const found = tracingSettingsFromEnv(
    forced ? { OTEL_TRACES_EXPORTER: "otlp", ...env, OTEL_SDK_DISABLED: undefined } : env,
  );
  for (const warning of found.warnings) options.log.warn(warning);
  const settings = found.settings;
  if (settings === undefined) return undefined;
  if (shared === undefined) {
    const sdk = import("./tracing-sdk.js").then(({ startSdk }) =>
      startSdk({
        settings,
        serviceName: options.serviceName,
        serviceVersion: options.serviceVersion,
        log: options.log,
        ...(options.exporter ? { exporter: options.exporter } : {}),
        ...(options.scheduledDelayMillis === undefined
          ? {}
          : { scheduledDelayMillis: options.scheduledDelayMillis }),
      }),
    );
    shared = { sdk, users: 0 };
    const { exporter, protocol, url, sampler } = settings;
    options.log.info(
      exporter === "otlp" ? { exporter, protocol, url, sampler } : { exporter, sampler },
      "tracing on: exporting spans",
    );
  }
  const mine = shared;
  mine.users++;
  const handle = await mine.sdk;
  let stopped = false;
  return {
    forceFlush: () => handle.forceFlush(),
    async shutdown() {
      if (stopped) return;
      stopped = true;
      if (--mine.users > 0) return handle.forceFlush();
      if (shared === mine) shared = undefined;
      await handle.shutdown();
    },
  };
}
