// End to end: a server with a worker pool, tracing switched on by the standard
// environment, exports to an OTLP/HTTP receiver on loopback.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { serve } from "../serve.js";
import { tracedPredictor } from "./traced-fixture-predictor.js";

const CALLER_TRACE = "0af7651916cd43dd8448eb211c80319c";
const CALLER_SPAN = "b7ad6b7169203331";

interface Received {
  path: string;
  contentType: string | undefined;
  body: Buffer;
}

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: { key: string; value: Record<string, unknown> }[];
}

/** An OTLP/HTTP receiver that keeps what it is sent and answers 200. */
async function startReceiver(): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({
        path: req.url ?? "",
        contentType: req.headers["content-type"],
        body: Buffer.concat(chunks),
      });
      res.writeHead(200, { "content-type": req.headers["content-type"] ?? "application/json" });
      res.end(req.headers["content-type"] === "application/json" ? "{}" : "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received, server };
}

/** Every span in OTLP/JSON bodies. */
function spansIn(received: Received[]): OtlpSpan[] {
  return received.flatMap((r) => {
    const doc = JSON.parse(r.body.toString("utf8")) as {
      resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[];
    };
    return doc.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
  });
}

const attribute = (span: OtlpSpan, key: string) =>
  span.attributes.find((a) => a.key === key)?.value;

const OTEL_KEYS = [
  "OTEL_EXPORTER_OTLP_ENDPOINT",
  "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
  "OTEL_EXPORTER_OTLP_PROTOCOL",
  "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
  "OTEL_TRACES_EXPORTER",
  "OTEL_SDK_DISABLED",
  "OTEL_TRACES_SAMPLER",
  "OTEL_SERVICE_NAME",
];

describe("OTLP/HTTP export with a worker pool", () => {
  let saved: Record<string, string | undefined>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeEach(async () => {
    saved = Object.fromEntries(OTEL_KEYS.map((key) => [key, process.env[key]]));
    for (const key of OTEL_KEYS) delete process.env[key];
    receiver = await startReceiver();
  });
  afterEach(async () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await new Promise((resolve) => receiver.server.close(resolve));
  });

  /** Serves the traced predictor on one worker (pool workers read the same environment), sends one request. */
  async function predictOnce(): Promise<Response> {
    const server = await serve(tracedPredictor, {
      port: 0,
      host: "127.0.0.1",
      workers: 1,
      handleSignals: false,
      logLevel: "silent",
      requestHeaders: ["X-Tenant"],
    });
    try {
      await server.ready;
      return await fetch(`${server.url}/predict`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01`,
          "x-request-id": "e2e-1",
          "x-tenant": "acme",
        },
        body: JSON.stringify({ text: "hello" }),
      });
    } finally {
      // Flushes the worker's spans, then the main thread's.
      await server.close();
    }
  }

  it("puts the request span and the worker's predict span in the caller's trace (http/json)", async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.url;
    process.env.OTEL_EXPORTER_OTLP_PROTOCOL = "http/json";
    process.env.OTEL_SERVICE_NAME = "traced-e2e";
    const response = await predictOnce();
    expect(response.status).toBe(200);
    expect(((await response.json()) as { inSpan: boolean }).inSpan).toBe(true);

    expect(receiver.received.length).toBeGreaterThan(0);
    for (const r of receiver.received) {
      expect(r.path).toBe("/v1/traces");
      expect(r.contentType).toBe("application/json");
    }
    const spans = spansIn(receiver.received);
    const request = spans.find((s) => s.name === "POST /predict");
    const predict = spans.find((s) => s.name === "predict");
    const userWork = spans.find((s) => s.name === "user work");
    expect(request?.traceId).toBe(CALLER_TRACE);
    expect(request?.parentSpanId).toBe(CALLER_SPAN);
    expect(predict?.traceId).toBe(CALLER_TRACE);
    expect(predict?.parentSpanId).toBe(request?.spanId);
    // Made in the worker thread: its index and a thread id other than the main thread's 0.
    expect(attribute(predict!, "servekit.worker")).toEqual({ intValue: 0 });
    expect(attribute(predict!, "thread.id")).not.toEqual({ intValue: 0 });
    expect(userWork?.parentSpanId).toBe(predict?.spanId);
    const body = JSON.parse(receiver.received[0]!.body.toString("utf8"));
    const resource = body.resourceSpans[0].resource.attributes as OtlpSpan["attributes"];
    expect(resource.find((a) => a.key === "service.name")?.value).toEqual({
      stringValue: "traced-e2e",
    });
  });

  it("sends http/protobuf by default", async () => {
    process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = `${receiver.url}/custom/traces`;
    const response = await predictOnce();
    expect(response.status).toBe(200);
    expect(receiver.received.length).toBeGreaterThan(0);
    for (const r of receiver.received) {
      expect(r.path).toBe("/custom/traces");
      expect(r.contentType).toBe("application/x-protobuf");
      // The caller's trace id travels as raw bytes in the protobuf body.
      expect(r.body.includes(Buffer.from(CALLER_TRACE, "hex"))).toBe(true);
    }
    // Two exporters sent: the main thread's and the worker's.
    expect(receiver.received.length).toBeGreaterThanOrEqual(2);
  });

  it("exports nothing when OTEL_SDK_DISABLED=true, and predict runs outside any span", async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.url;
    process.env.OTEL_SDK_DISABLED = "true";
    const response = await predictOnce();
    const body = (await response.json()) as { inSpan: boolean; request: { deadline?: string } };
    expect(body.inSpan).toBe(false);
    expect(receiver.received).toEqual([]);
    // ctx.request crossed to the worker thread whole.
    expect(body.request).toMatchObject({
      id: "e2e-1",
      model: "traced",
      version: "2.0.0",
      headers: { "x-tenant": "acme" },
    });
    expect(Date.parse(body.request.deadline!)).toBeGreaterThan(Date.now());
  });
});
