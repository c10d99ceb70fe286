import { Registry } from "prom-client";
import { describe, expect, it, vi } from "vitest";
import type { Logger } from "../logger.js";
import { RegistryPredictorMetrics } from "./registry-predictor-metrics.js";

function setUp() {
  const registry = new Registry();
  const warn = vi.fn();
  const metrics = new RegistryPredictorMetrics(registry, { warn } as unknown as Logger);
  return { registry, warn, metrics };
}

async function values(registry: Registry, name: string) {
  const metric = registry.getSingleMetric(name);
  return metric ? (await metric.get()).values : undefined;
}

describe("RegistryPredictorMetrics", () => {
  it("creates a prefixed counter on first use and adds to it", async () => {
    const { registry, metrics } = setUp();
    metrics.increment("hits_total");
    metrics.increment("hits_total", 2);
    expect(await values(registry, "servekit_predictor_hits_total")).toEqual([
      { value: 3, labels: {} },
    ]);
  });

  it("creates a histogram on first observe, one series per label set", async () => {
    const { registry, metrics } = setUp();
    metrics.observe("stage_seconds", 0.02, { stage: "pre" });
    metrics.observe("stage_seconds", 0.3, { stage: "post" });
    metrics.observe("stage_seconds", 0.4, { stage: "post" });
    const counts = (await values(registry, "servekit_predictor_stage_seconds"))?.filter(
      (v) => v.metricName === "servekit_predictor_stage_seconds_count",
    );
    expect(counts).toEqual([
      expect.objectContaining({ labels: { stage: "pre" }, value: 1 }),
      expect.objectContaining({ labels: { stage: "post" }, value: 2 }),
    ]);
  });

  it("drops a call that uses a name as another kind, and warns once", async () => {
    const { registry, warn, metrics } = setUp();
    metrics.increment("x");
    metrics.observe("x", 1);
    metrics.observe("x", 2);
    expect(await values(registry, "servekit_predictor_x")).toEqual([{ value: 1, labels: {} }]);
    expect(warn).toHaveBeenCalledOnce();
    expect(warn.mock.calls[0]?.[1]).toMatch(
      /predictor metric "x" dropped: it is a counter \(increment\), not a histogram \(observe\)/,
    );
  });

  it("drops a call whose label names differ from the first call's", async () => {
    const { registry, warn, metrics } = setUp();
    metrics.increment("y", 1, { a: "1" });
    metrics.increment("y", 1, { b: "1" });
    expect(await values(registry, "servekit_predictor_y")).toEqual([
      { value: 1, labels: { a: "1" } },
    ]);
    expect(warn.mock.calls[0]?.[1]).toMatch(/labels \{b\} differ from the first call's \{a\}/);
  });

  it("bounds the series of one metric, so a per-request label can't grow the scrape forever", async () => {
    const { registry, warn, metrics } = setUp();
    for (let i = 0; i < 1_010; i++) metrics.increment("per_id_total", 1, { id: i });
    expect(await values(registry, "servekit_predictor_per_id_total")).toHaveLength(1_000);
    expect(warn.mock.calls[0]?.[1]).toMatch(/more than 1000 label combinations/);
  });

  it("throws for a malformed call, in the predictor's own code", () => {
    const { metrics } = setUp();
    expect(() => metrics.increment("hits_total", -1)).toThrow(/counters only go up/);
  });
});
