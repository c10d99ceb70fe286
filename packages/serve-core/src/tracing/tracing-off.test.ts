import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../http/app.js";
import { startTracing } from "./start-tracing.js";
import { memoryLogger } from "./test-logger.js";
import { tracedPredictor } from "./traced-fixture-predictor.js";
import { tracingEnabled } from "./tracing-state.js";

describe("tracing off (the default)", () => {
  const { log, lines } = memoryLogger();
  const app = createApp(tracedPredictor, { logger: log });
  beforeAll(() => app.lifecycle.ready);
  afterAll(() => app.lifecycle.close());

  it("stays off without OTEL_* settings, with exporter none, and with OTEL_SDK_DISABLED", async () => {
    for (const env of [
      {},
      { OTEL_TRACES_EXPORTER: "none", OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" },
      { OTEL_SDK_DISABLED: "true", OTEL_TRACES_EXPORTER: "otlp" },
    ])
      expect(await startTracing({ serviceName: "traced", log, env })).toBeUndefined();
    expect(tracingEnabled()).toBe(false);
  });

  it("runs predict outside any span and logs no trace ids, even when the caller sends a traceparent", async () => {
    const response = await app.request("/predict", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      },
      body: JSON.stringify({ text: "hi" }),
    });
    const body = (await response.json()) as { inSpan: boolean; request: { headers: object } };
    expect(body.inSpan).toBe(false);
    // No requestHeaders option: predict sees no header at all.
    expect(body.request.headers).toEqual({});
    const logged = lines.filter(
      (line) => line.msg === "request" || line.msg?.toString().startsWith("predicting"),
    );
    expect(logged).toHaveLength(2);
    for (const line of logged) {
      expect(line).not.toHaveProperty("trace_id");
      expect(line).not.toHaveProperty("span_id");
    }
  });
});
