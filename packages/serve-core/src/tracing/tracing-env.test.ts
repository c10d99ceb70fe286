import { describe, expect, it } from "vitest";
import { parseKeyValues, tracingSettingsFromEnv } from "./tracing-env.js";

describe("tracingSettingsFromEnv", () => {
  it("is off unless an exporter or an endpoint is named", () => {
    expect(tracingSettingsFromEnv({}).settings).toBeUndefined();
    expect(tracingSettingsFromEnv({ OTEL_SERVICE_NAME: "x" }).settings).toBeUndefined();
    expect(tracingSettingsFromEnv({ OTEL_TRACES_EXPORTER: "none" }).settings).toBeUndefined();
    expect(
      tracingSettingsFromEnv({ OTEL_SDK_DISABLED: "TRUE", OTEL_TRACES_EXPORTER: "otlp" }).settings,
    ).toBeUndefined();
    expect(tracingSettingsFromEnv({ OTEL_TRACES_EXPORTER: "console" }).settings?.exporter).toBe(
      "console",
    );
    expect(
      tracingSettingsFromEnv({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://c:4318/t" }).settings
        ?.exporter,
    ).toBe("otlp");
  });

  it("uses the spec's defaults: http/protobuf to localhost:4318/v1/traces, parentbased_always_on, W3C propagation", () => {
    expect(tracingSettingsFromEnv({ OTEL_TRACES_EXPORTER: "otlp" })).toEqual({
      settings: {
        exporter: "otlp",
        protocol: "http/protobuf",
        url: "http://localhost:4318/v1/traces",
        headers: {},
        timeoutMillis: undefined,
        sampler: "parentbased_always_on",
        samplerRatio: 1,
        propagators: ["tracecontext", "baggage"],
        resourceAttributes: {},
      },
      warnings: [],
    });
  });

  it("appends /v1/traces to the generic endpoint only; the traces endpoint is used as it is", () => {
    const url = (env: Record<string, string>) => tracingSettingsFromEnv(env).settings?.url;
    expect(url({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318/" })).toBe("http://c:4318/v1/traces");
    expect(
      url({
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318",
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://t:9/x",
      }),
    ).toBe("http://t:9/x");
  });

  it("reads protocol, headers, timeout, sampler and resource attributes, the traces-specific ones winning", () => {
    const { settings, warnings } = tracingSettingsFromEnv({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318",
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf",
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "http/json",
      OTEL_EXPORTER_OTLP_HEADERS: "a=1,b=2",
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: "b=3,api-key=x%20y",
      OTEL_EXPORTER_OTLP_TIMEOUT: "2500",
      OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
      OTEL_TRACES_SAMPLER_ARG: "0.25",
      OTEL_RESOURCE_ATTRIBUTES: "deployment.environment=prod,service.name=from-attrs",
      OTEL_SERVICE_NAME: "from-env",
    });
    expect(warnings).toEqual([]);
    expect(settings).toMatchObject({
      protocol: "http/json",
      headers: { a: "1", b: "3", "api-key": "x y" },
      timeoutMillis: 2500,
      sampler: "parentbased_traceidratio",
      samplerRatio: 0.25,
      resourceAttributes: { "deployment.environment": "prod", "service.name": "from-env" },
    });
  });

  it("falls back and says why for what it cannot honour: grpc, unknown samplers and propagators", () => {
    const { settings, warnings } = tracingSettingsFromEnv({
      OTEL_TRACES_EXPORTER: "otlp,zipkin",
      OTEL_EXPORTER_OTLP_PROTOCOL: "grpc",
      OTEL_TRACES_SAMPLER: "jaeger_remote",
      OTEL_TRACES_SAMPLER_ARG: "2",
      OTEL_PROPAGATORS: "tracecontext,b3",
    });
    expect(settings).toMatchObject({
      exporter: "otlp",
      protocol: "http/protobuf",
      sampler: "parentbased_always_on",
      samplerRatio: 1,
      propagators: ["tracecontext"],
    });
    expect(warnings).toHaveLength(5);
    expect(warnings.join("\n")).toMatch(/grpc.*not supported.*http\/protobuf/);
    expect(warnings.join("\n")).toMatch(/zipkin/);
  });

  it("turns off only when zipkin alone is asked for (no exporter servekit has)", () => {
    const { settings, warnings } = tracingSettingsFromEnv({ OTEL_TRACES_EXPORTER: "zipkin" });
    expect(settings).toBeUndefined();
    expect(warnings).toHaveLength(1);
  });
});

describe("parseKeyValues", () => {
  it("splits pairs, trims and percent-decodes, skipping malformed ones", () => {
    expect(parseKeyValues(" a = 1 ,=x,b,c=%3D%2C")).toEqual({ a: "1", c: "=," });
    expect(parseKeyValues(undefined)).toEqual({});
  });
});
