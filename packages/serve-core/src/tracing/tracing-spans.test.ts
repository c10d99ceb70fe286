import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../http/app.js";
import { startTracing, type Tracing } from "./start-tracing.js";
import { memoryLogger } from "./test-logger.js";
import { tracedBatchPredictor, tracedPredictor } from "./traced-fixture-predictor.js";

const CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const CALLER_SPAN = "00f067aa0ba902b7";
const TRACEPARENT = `00-${CALLER_TRACE}-${CALLER_SPAN}-01`;

const exporter = new InMemorySpanExporter();
const { log, lines } = memoryLogger();
let tracing: Tracing | undefined;

beforeAll(async () => {
  // Whatever this machine's environment holds: tracing is on through the test exporter only.
  tracing = await startTracing({ serviceName: "traced", log, env: {}, exporter });
});
afterAll(async () => {
  await tracing?.shutdown();
});
beforeEach(async () => {
  // Spans of an earlier test may still wait in the batch processor.
  await tracing?.forceFlush();
  exporter.reset();
  lines.length = 0;
});

async function finishedSpans(): Promise<ReadableSpan[]> {
  await tracing!.forceFlush();
  return exporter.getFinishedSpans();
}

function named(spans: ReadableSpan[], name: string): ReadableSpan {
  const found = spans.filter((span) => span.name === name);
  expect(
    found.map((s) => s.name),
    `one "${name}" span`,
  ).toEqual([name]);
  return found[0]!;
}

const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

function post(
  app: ReturnType<typeof createApp>,
  body: unknown,
  headers: Record<string, string> = {},
) {
  return app.request("/predict", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

describe("tracing (inline predictor, in-memory exporter)", () => {
  const app = createApp(tracedPredictor, {
    logger: log,
    requestHeaders: ["X-Tenant"],
    predictTimeoutMs: 30_000,
  });
  beforeAll(() => app.lifecycle.ready);
  afterAll(() => app.lifecycle.close());

  it("continues the caller's trace: request span, its steps, predict, and the user's own span inside predict", async () => {
    const response = await post(app, { text: "hi" }, { traceparent: TRACEPARENT });
    expect(response.status).toBe(200);
    const spans = await finishedSpans();
    const request = named(spans, "POST /predict");
    expect(request.kind).toBe(SpanKind.SERVER);
    expect(request.spanContext().traceId).toBe(CALLER_TRACE);
    expect(parentOf(request)).toBe(CALLER_SPAN);
    expect(request.attributes).toMatchObject({
      "http.route": "/predict",
      "http.request.method": "POST",
      "http.response.status_code": 200,
      "servekit.model": "traced",
      "servekit.model.version": "2.0.0",
      "servekit.request.id": response.headers.get("x-request-id"),
    });
    const requestSpanId = request.spanContext().spanId;
    for (const step of ["read input", "validate input", "queue wait", "predict", "output check"])
      expect(parentOf(named(spans, step)), step).toBe(requestSpanId);
    const predict = named(spans, "predict");
    expect(predict.attributes).toMatchObject({
      "servekit.model": "traced",
      "servekit.model.version": "2.0.0",
    });
    expect(parentOf(named(spans, "user work"))).toBe(predict.spanContext().spanId);
    expect(new Set(spans.map((s) => s.spanContext().traceId))).toEqual(new Set([CALLER_TRACE]));
    expect(request.resource.attributes["service.name"]).toBe("traced");
  });

  it("starts a new trace when the caller sends none", async () => {
    await post(app, { text: "hi" });
    const spans = await finishedSpans();
    const request = named(spans, "POST /predict");
    expect(request.parentSpanContext).toBeUndefined();
    expect(named(spans, "predict").spanContext().traceId).toBe(request.spanContext().traceId);
  });

  it("does not trace health probes", async () => {
    expect((await app.request("/health")).status).toBe(200);
    expect(await finishedSpans()).toEqual([]);
  });

  it("puts trace_id and span_id on the access log line and on ctx.log lines", async () => {
    await post(app, { text: "hi" }, { traceparent: TRACEPARENT });
    const spans = await finishedSpans();
    const access = lines.find((line) => line.msg === "request");
    const fromPredictor = lines.find((line) => line.msg === "predicting inside user work");
    expect(access).toMatchObject({
      trace_id: CALLER_TRACE,
      span_id: named(spans, "POST /predict").spanContext().spanId,
    });
    expect(fromPredictor).toMatchObject({
      trace_id: CALLER_TRACE,
      span_id: named(spans, "user work").spanContext().spanId,
    });
  });

  it("marks a failed prediction: request span 500 and error, predict span error with the exception", async () => {
    const response = await post(app, { text: "hi", fail: true });
    expect(response.status).toBe(500);
    const spans = await finishedSpans();
    const request = named(spans, "POST /predict");
    expect(request.attributes["http.response.status_code"]).toBe(500);
    expect(request.status.code).toBe(SpanStatusCode.ERROR);
    const predict = named(spans, "predict");
    expect(predict.status).toMatchObject({ code: SpanStatusCode.ERROR, message: "asked to fail" });
    expect(predict.events.map((e) => e.name)).toContain("exception");
  });

  it("does not fail a client error's request span (422), but fails its validation span", async () => {
    const response = await post(app, { text: 42 });
    expect(response.status).toBe(422);
    const spans = await finishedSpans();
    expect(named(spans, "POST /predict").status.code).toBe(SpanStatusCode.UNSET);
    expect(named(spans, "validate input").status.code).toBe(SpanStatusCode.ERROR);
    expect(spans.some((s) => s.name === "predict")).toBe(false);
  });

  it("gives predict ctx.request: id, model, version, deadline and only the allowed headers", async () => {
    const before = Date.now();
    const response = await post(
      app,
      { text: "hi" },
      { "x-request-id": "req-42", "X-Tenant": "acme", authorization: "Bearer secret-key-1" },
    );
    const body = (await response.json()) as { request: Record<string, unknown>; requestId: string };
    expect(body.requestId).toBe("req-42");
    expect(body.request).toMatchObject({
      id: "req-42",
      model: "traced",
      version: "2.0.0",
      headers: { "x-tenant": "acme" },
    });
    expect(Object.keys(body.request.headers as object)).toEqual(["x-tenant"]);
    const deadline = Date.parse(body.request.deadline as string);
    expect(deadline).toBeGreaterThanOrEqual(before + 30_000);
    expect(deadline).toBeLessThanOrEqual(Date.now() + 30_000);
  });
});

describe("tracing async predictions (in-memory exporter)", () => {
  const app = createApp(tracedPredictor, { logger: log });
  beforeAll(() => app.lifecycle.ready);
  afterAll(() => app.lifecycle.close());

  it.each([{}, { prefer: "respond-async" }])(
    "joins POST /predictions and the predict it starts in one trace (%o)",
    async (extra) => {
      const response = await app.request("/predictions", {
        method: "POST",
        headers: { "content-type": "application/json", traceparent: TRACEPARENT, ...extra },
        body: JSON.stringify({ input: { text: "hi" } }),
      });
      expect(response.status).toBeLessThan(300);
      // An async prediction runs after its 202: wait for its predict span.
      const spans = await vi.waitFor(
        async () => {
          const found = await finishedSpans();
          expect(found.map((span) => span.name)).toContain("output check");
          return found;
        },
        { timeout: 5_000 },
      );
      const request = named(spans, "POST /predictions");
      const predict = named(spans, "predict");
      expect(predict.spanContext().traceId).toBe(CALLER_TRACE);
      expect(parentOf(predict)).toBe(request.spanContext().spanId);
    },
  );
});

describe("tracing a batch (in-memory exporter)", () => {
  const app = createApp(tracedBatchPredictor, { logger: log });
  beforeAll(() => app.lifecycle.ready);
  afterAll(() => app.lifecycle.close());

  it("makes one batch span under the request that opened it, linked to every member, with predict inside", async () => {
    const ids = ["a", "b", "c"];
    const bodies = (await Promise.all(
      ids.map(async (id) =>
        (await post(app, { text: id }, { "x-request-id": `req-${id}` })).json(),
      ),
    )) as { text: string; request: { id: string }; batchId: string }[];
    // ctx.requests lines up with the inputs; the batch has its own id.
    expect(bodies.map((b) => b.request.id)).toEqual(["req-a", "req-b", "req-c"]);
    expect(new Set(bodies.map((b) => b.batchId)).size).toBe(1);

    const spans = await finishedSpans();
    const requests = spans.filter((s) => s.name === "POST /predict");
    expect(requests).toHaveLength(3);
    const batch = named(spans, "batch");
    expect(batch.attributes["servekit.batch.size"]).toBe(3);
    const requestIds = requests.map((s) => s.spanContext().spanId);
    expect(requestIds).toContain(parentOf(batch));
    expect(batch.links.map((l) => l.context.spanId).sort()).toEqual([...requestIds].sort());
    const predict = named(spans, "predict");
    expect(parentOf(predict)).toBe(batch.spanContext().spanId);
    expect(predict.attributes["servekit.batch.size"]).toBe(3);
  });
});
