import { describe, expect, it } from "vitest";
import { checkMetricCall, forwardPredictorMetrics, type MetricCall } from "./predictor-metrics.js";

describe("checkMetricCall", () => {
  it("turns label values into strings", () => {
    expect(checkMetricCall("increment", "hits_total", 2, { model: "n", batch: 4 })).toEqual({
      kind: "increment",
      name: "hits_total",
      value: 2,
      labels: { model: "n", batch: "4" },
    });
  });

  it("refuses names Prometheus can't take, saying what would be right", () => {
    expect(() => checkMetricCall("increment", "cache-hits", 1)).toThrow(
      /ctx\.metrics\.increment\("cache-hits"\): the name must be letters, digits and '_'.*e\.g\. "cache_hits_total"/,
    );
    expect(() => checkMetricCall("observe", "9lives", 1)).toThrow(/the name must be/);
  });

  it("refuses counters that go down and values that aren't finite", () => {
    expect(() => checkMetricCall("increment", "hits_total", -1)).toThrow(
      /counters only go up; the value must be ≥ 0, got -1/,
    );
    expect(() => checkMetricCall("observe", "latency_seconds", Number.NaN)).toThrow(
      /the value must be a finite number, got NaN/,
    );
  });

  it("refuses reserved or malformed label names", () => {
    expect(() => checkMetricCall("observe", "x", 1, { le: "1" })).toThrow(/label "le"/);
    expect(() => checkMetricCall("observe", "x", 1, { __name__: "y" })).toThrow(/label "__name__"/);
    expect(() => checkMetricCall("observe", "x", 1, { "a-b": "y" })).toThrow(/label "a-b"/);
  });
});

describe("forwardPredictorMetrics", () => {
  it("sends each checked call, counting 1 when no value is given", () => {
    const sent: MetricCall[] = [];
    const metrics = forwardPredictorMetrics((call) => sent.push(call));
    metrics.increment("hits_total");
    metrics.observe("latency_seconds", 0.25, { stage: "pre" });
    expect(sent).toEqual([
      { kind: "increment", name: "hits_total", value: 1, labels: {} },
      { kind: "observe", name: "latency_seconds", value: 0.25, labels: { stage: "pre" } },
    ]);
  });

  it("throws in the predictor's own code for a bad call, sending nothing", () => {
    const sent: MetricCall[] = [];
    const metrics = forwardPredictorMetrics((call) => sent.push(call));
    expect(() => metrics.increment("bad name")).toThrow(TypeError);
    expect(sent).toEqual([]);
  });
});
