import type { ExportResult } from "@opentelemetry/core";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";
import type { Logger } from "../logger.js";

/** Least time between two logged export failures: a collector that is down must not flood the log. */
export const EXPORT_FAILURE_LOG_INTERVAL_MS = 60_000;

/**
 * Wraps a span exporter so its failures are logged — at most once per
 * minute, with how many batches failed meanwhile — and otherwise ignored:
 * an unreachable collector never changes a prediction's outcome.
 */
export class ReportingExporter implements SpanExporter {
  private lastLoggedAt = Number.NEGATIVE_INFINITY;
  private failedSinceLog = 0;

  constructor(
    private readonly inner: SpanExporter,
    private readonly log: Logger,
    private readonly where: string,
    private readonly now: () => number = Date.now,
  ) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    try {
      this.inner.export(spans, (result) => {
        // ExportResultCode.SUCCESS is 0.
        if (result.code !== 0) this.failed(result.error, spans.length);
        done(result);
      });
    } catch (error) {
      this.failed(error, spans.length);
      done({ code: 1, error: error instanceof Error ? error : new Error(String(error)) });
    }
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }

  private failed(error: unknown, spans: number): void {
    this.failedSinceLog++;
    const now = this.now();
    if (now - this.lastLoggedAt < EXPORT_FAILURE_LOG_INTERVAL_MS) return;
    this.log.warn(
      {
        err: error,
        endpoint: this.where,
        spans,
        failed_exports: this.failedSinceLog,
      },
      "could not export traces (predictions are not affected); check OTEL_EXPORTER_OTLP_ENDPOINT and that the collector is up — next report in a minute at most",
    );
    this.lastLoggedAt = now;
    this.failedSinceLog = 0;
  }
}
