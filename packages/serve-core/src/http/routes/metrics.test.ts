import type { AddressInfo } from "node:net";
import { serve as listen, type ServerType } from "@hono/node-server";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type ServekitApp } from "../../index.js";
import { fixturePredictor } from "../../test-support/fixture-predictor.js";

/** One metric family as parse-prometheus-text-format returns it (values are strings). */
interface Family {
  name: string;
  type: string;
  metrics: { labels?: Record<string, string>; value?: string }[];
}

type Fetch = (path: string, init?: RequestInit) => Promise<Response>;

/** One scrape of `/metrics`, parsed by parse-prometheus-text-format (which throws on a bad line). */
class Scrape {
  private constructor(
    /** Family name → its TYPE ("COUNTER", "HISTOGRAM", …). */
    readonly types: Map<string, string>,
    /** Series name (a histogram's `_bucket`, `_sum`, `_count` apart) → its samples. */
    private readonly series: Map<string, Family["metrics"]>,
  ) {}

  static async from(fetch: Fetch): Promise<Scrape> {
    const res = await fetch("/metrics");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const text = await res.text();
    const typed = parsePrometheusTextFormat(text) as Family[];
    // The parser folds a histogram with labels into one label-less sample (its issue #13), so
    // values are read from a second parse without TYPE lines, where every series keeps its
    // labels under its own name, as PromQL sees it: `…_count{route="/predict"}`.
    const series = new Map<string, Family["metrics"]>();
    for (const family of parsePrometheusTextFormat(text.replace(/^# TYPE .*$/gm, "")) as Family[]) {
      series.set(family.name, [...(series.get(family.name) ?? []), ...family.metrics]);
    }
    return new Scrape(new Map(typed.map((f) => [f.name, f.type])), series);
  }

  /** The value of series `name` whose labels include `labels`. */
  value(name: string, labels: Record<string, string> = {}): number | undefined {
    const sample = this.series
      .get(name)
      ?.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
    return sample?.value === undefined ? undefined : Number(sample.value);
  }

  labelValues(name: string, label: string): string[] {
    return (this.series.get(name) ?? []).map((m) => m.labels?.[label] ?? "");
  }
}

function predict(fetch: Fetch, input: unknown, signal?: AbortSignal): Promise<Response> {
  return fetch("/predict", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(input),
    ...(signal ? { signal } : {}),
  });
}

function inProcess(app: ServekitApp): Fetch {
  return async (path, init) => app.request(path, init);
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("GET /metrics", () => {
  let app: ServekitApp;
  let metrics: Scrape;

  beforeAll(async () => {
    app = createApp(fixturePredictor, { logLevel: "silent", predictTimeoutMs: 300 });
    await app.lifecycle.ready;
    const fetch = inProcess(app);
    const statuses = await Promise.all([
      ...[1, 2, 3].map(() => predict(fetch, { text: "hi", tally: true })),
      ...[1, 2].map(() => predict(fetch, { text: "hi" })),
      ...[1, 2].map(() => predict(fetch, { count: 99 })), // 422 before it reaches the predictor
      predict(fetch, { mode: "client-error" }), // 422 thrown by the predictor
      predict(fetch, { mode: "throw" }), // 500
      predict(fetch, { sleep_ms: 5_000 }), // 504 after predictTimeoutMs
      fetch("/health"),
      fetch("/no/such/path"),
      fetch("/docs/no-such-asset.js"),
    ]).then((responses) => responses.map((r) => r.status));
    expect(statuses).toEqual([200, 200, 200, 200, 200, 422, 422, 422, 500, 504, 200, 404, 404]);
    metrics = await Scrape.from(fetch);
  });
  afterAll(() => app.lifecycle.close());

  it("counts requests by route pattern, method and status", () => {
    const predictRoute = { route: "/predict", method: "POST" };
    const requests = "servekit_http_requests_total";
    expect(metrics.value(requests, { ...predictRoute, status: "200" })).toBe(5);
    expect(metrics.value(requests, { ...predictRoute, status: "422" })).toBe(3);
    expect(metrics.value(requests, { ...predictRoute, status: "500" })).toBe(1);
    expect(metrics.value(requests, { ...predictRoute, status: "504" })).toBe(1);
    expect(metrics.value(requests, { route: "/health", method: "GET", status: "200" })).toBe(1);
    expect(metrics.value(requests, { route: "/docs/:asset", status: "404" })).toBe(1);
    expect(metrics.value(requests, { route: "unmatched", method: "GET", status: "404" })).toBe(1);
    expect(metrics.labelValues(requests, "route")).not.toContain("/no/such/path");
    expect(metrics.value("servekit_http_request_duration_seconds_count", predictRoute)).toBe(10);
  });

  it("counts predictions by outcome, each that ran once in the queue and predict histograms", () => {
    const outcomes = "servekit_predictions_total";
    expect(metrics.value(outcomes, { status: "succeeded" })).toBe(5);
    expect(metrics.value(outcomes, { status: "failed" })).toBe(2);
    expect(metrics.value(outcomes, { status: "timeout" })).toBe(1);
    expect(metrics.value(outcomes, { status: "rejected" })).toBe(0);
    expect(metrics.value(outcomes, { status: "cancelled" })).toBe(0);
    expect(metrics.value("servekit_prediction_queue_wait_seconds_count")).toBe(8);
    expect(metrics.value("servekit_prediction_duration_seconds_count")).toBe(8);
    expect(metrics.types.get("servekit_prediction_duration_seconds")).toBe("HISTOGRAM");
  });

  it("shows the state gauges and which predictor is served", () => {
    expect(metrics.value("servekit_predictions_in_flight")).toBe(0);
    expect(metrics.value("servekit_queue_depth")).toBe(0);
    expect(metrics.value("servekit_ready")).toBe(1);
    expect(metrics.value("servekit_workers")).toBe(0);
    expect(metrics.value("servekit_setup_duration_seconds")).toBeGreaterThanOrEqual(0);
    expect(metrics.value("servekit_info", { predictor: "fixture", version: "1.2.3" })).toBe(1);
  });

  it("includes the process metrics", () => {
    for (const name of [
      "process_cpu_user_seconds_total",
      "process_resident_memory_bytes",
      "nodejs_heap_size_used_bytes",
      "nodejs_eventloop_lag_seconds",
    ]) {
      expect(metrics.types.has(name), name).toBe(true);
    }
  });

  it("includes the predictor's own metrics from ctx.metrics, in setup and predict", () => {
    expect(metrics.value("servekit_predictor_fixture_setups_total")).toBe(1);
    expect(metrics.value("servekit_predictor_fixture_tallies_total", { mode: "ok" })).toBe(3);
    expect(metrics.types.get("servekit_predictor_fixture_text_length")).toBe("HISTOGRAM");
    expect(metrics.value("servekit_predictor_fixture_text_length_count")).toBe(3);
  });

  it("is in the OpenAPI document under meta", async () => {
    const document = await (await app.request("/openapi.json")).json();
    expect(document.paths["/metrics"].get.tags).toEqual(["meta"]);
  });
});

describe("GET /metrics under load", () => {
  it("shows the running and queued predictions, and counts the ones refused", async () => {
    const app = createApp(fixturePredictor, { logLevel: "silent", maxQueue: 1 });
    await app.lifecycle.ready;
    const fetch = inProcess(app);
    const running = predict(fetch, { sleep_ms: 400 });
    const queued = predict(fetch, { text: "next" });
    await waitFor(async () => (await Scrape.from(fetch)).value("servekit_queue_depth") === 1);
    expect((await predict(fetch, {})).status).toBe(503);

    const busy = await Scrape.from(fetch);
    expect(busy.value("servekit_predictions_in_flight")).toBe(1);
    expect(busy.value("servekit_queue_depth")).toBe(1);
    expect(busy.value("servekit_predictions_total", { status: "rejected" })).toBe(1);

    expect((await running).status).toBe(200);
    expect((await queued).status).toBe(200);
    const idle = await Scrape.from(fetch);
    expect(idle.value("servekit_queue_depth")).toBe(0);
    expect(idle.value("servekit_prediction_queue_wait_seconds_count")).toBe(2);
    await app.lifecycle.close();
  });
});

describe("GET /metrics with several apps in one process", () => {
  it("keeps each app's metrics apart", async () => {
    const first = createApp(fixturePredictor, { logLevel: "silent" });
    const second = createApp(fixturePredictor, { logLevel: "silent" });
    await Promise.all([first.lifecycle.ready, second.lifecycle.ready]);
    await predict(inProcess(first), { tally: true });
    await predict(inProcess(first), { tally: true });
    const [a, b] = await Promise.all([
      Scrape.from(inProcess(first)),
      Scrape.from(inProcess(second)),
    ]);
    expect(a.value("servekit_predictions_total", { status: "succeeded" })).toBe(2);
    expect(b.value("servekit_predictions_total", { status: "succeeded" })).toBe(0);
    expect(a.value("servekit_predictor_fixture_tallies_total")).toBe(2);
    expect(b.value("servekit_predictor_fixture_tallies_total")).toBeUndefined();
    await Promise.all([first.lifecycle.close(), second.lifecycle.close()]);
  });
});

describe("metrics: false", () => {
  it("serves no /metrics, and ctx.metrics still works for the predictor", async () => {
    const app = createApp(fixturePredictor, { logLevel: "silent", metrics: false });
    await app.lifecycle.ready;
    expect((await app.request("/metrics")).status).toBe(404);
    expect((await predict(inProcess(app), { tally: true })).status).toBe(200);
    await app.lifecycle.close();
  });
});

describe("GET /metrics over a socket, with a worker pool", () => {
  let app: ServekitApp;
  let server: ServerType;
  let fetchPath: Fetch;

  beforeAll(async () => {
    app = createApp(fixturePredictor, { workers: 2, logLevel: "silent" });
    const url = await new Promise<string>((resolve) => {
      server = listen({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) =>
        resolve(`http://127.0.0.1:${info.port}`),
      );
    });
    fetchPath = (path, init) => fetch(`${url}${path}`, init);
    await app.lifecycle.ready;
  });
  afterAll(async () => {
    server.close();
    await app.lifecycle.close();
  });

  it("counts predictions and sums the predictor's metrics forwarded by every worker", async () => {
    const statuses = await Promise.all([
      ...Array.from({ length: 6 }, () => predict(fetchPath, { text: "abc", tally: true })),
      predict(fetchPath, { mode: "throw", tally: true }),
      predict(fetchPath, { count: 99 }),
    ]).then((responses) => responses.map((r) => r.status));
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 500, 422]);

    const metrics = await Scrape.from(fetchPath);
    const requests = "servekit_http_requests_total";
    expect(metrics.value(requests, { route: "/predict", method: "POST", status: "200" })).toBe(6);
    expect(metrics.value(requests, { route: "/predict", method: "POST", status: "500" })).toBe(1);
    expect(metrics.value(requests, { route: "/predict", method: "POST", status: "422" })).toBe(1);
    expect(metrics.value("servekit_predictions_total", { status: "succeeded" })).toBe(6);
    expect(metrics.value("servekit_predictions_total", { status: "failed" })).toBe(1);
    expect(metrics.value("servekit_prediction_duration_seconds_count")).toBe(7);
    expect(metrics.value("servekit_workers")).toBe(2);
    // Both workers ran setup; their ctx.metrics calls all reach the main thread's registry.
    expect(metrics.value("servekit_predictor_fixture_setups_total")).toBe(2);
    expect(metrics.value("servekit_predictor_fixture_tallies_total", { mode: "ok" })).toBe(6);
    expect(metrics.value("servekit_predictor_fixture_tallies_total", { mode: "throw" })).toBe(1);
    expect(metrics.value("servekit_predictor_fixture_text_length_count")).toBe(7);
  });

  it("counts a prediction whose client hung up as cancelled", async () => {
    const client = new AbortController();
    const pending = predict(fetchPath, { sleep_ms: 10_000 }, client.signal).catch(() => "aborted");
    await waitFor(
      async () => (await Scrape.from(fetchPath)).value("servekit_predictions_in_flight") === 1,
    );
    client.abort();
    expect(await pending).toBe("aborted");
    await waitFor(
      async () =>
        (await Scrape.from(fetchPath)).value("servekit_predictions_total", {
          status: "cancelled",
        }) === 1,
    );
  });
});

describe("GET /metrics and API keys", () => {
  it("needs a key when keys are set, like the prediction routes, and is open when none are", async () => {
    const keyed = createApp(fixturePredictor, { logLevel: "silent", apiKeys: ["metrics-key-1"] });
    const open = createApp(fixturePredictor, { logLevel: "silent", apiKeys: [] });
    try {
      expect((await keyed.request("/metrics")).status).toBe(401);
      const withKey = await keyed.request("/metrics", {
        headers: { "x-api-key": "metrics-key-1" },
      });
      expect(withKey.status).toBe(200);
      expect((await open.request("/metrics")).status).toBe(200);
    } finally {
      await keyed.lifecycle.close();
      await open.lifecycle.close();
    }
  });
});
