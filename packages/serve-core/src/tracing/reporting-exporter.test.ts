import type { ExportResult } from "@opentelemetry/core";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";
import { describe, expect, it } from "vitest";
import { ReportingExporter } from "./reporting-exporter.js";
import { memoryLogger } from "./test-logger.js";

/** An exporter that fails (or not) as told. */
function flaky(fail: () => boolean): SpanExporter {
  return {
    export(_spans: ReadableSpan[], done: (result: ExportResult) => void) {
      done(fail() ? { code: 1, error: new Error("connect ECONNREFUSED") } : { code: 0 });
    },
    shutdown: async () => {},
  };
}

describe("ReportingExporter", () => {
  it("logs export failures at most once a minute, with how many failed meanwhile", () => {
    const { log, lines } = memoryLogger();
    let now = 0;
    let failing = true;
    const exporter = new ReportingExporter(
      flaky(() => failing),
      log,
      "http://c/v1/traces",
      () => now,
    );
    const results: number[] = [];
    const exportAt = (t: number) => {
      now = t;
      exporter.export([], (r) => results.push(r.code));
    };
    exportAt(0);
    exportAt(10_000);
    exportAt(59_999);
    expect(lines).toHaveLength(1);
    exportAt(60_000);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ endpoint: "http://c/v1/traces", failed_exports: 3 });
    expect(String(lines[1]!.msg)).toMatch(/predictions are not affected/);
    failing = false;
    exportAt(200_000);
    expect(lines).toHaveLength(2);
    // The batch processor still hears how each export went.
    expect(results).toEqual([1, 1, 1, 1, 0]);
  });

  it("turns an exporter that throws into a failed export, never an exception", () => {
    const { log, lines } = memoryLogger();
    const throwing: SpanExporter = {
      export() {
        throw new Error("boom");
      },
      shutdown: async () => {},
    };
    const results: number[] = [];
    new ReportingExporter(throwing, log, "console").export([], (r) => results.push(r.code));
    expect(results).toEqual([1]);
    expect(lines).toHaveLength(1);
  });
});
