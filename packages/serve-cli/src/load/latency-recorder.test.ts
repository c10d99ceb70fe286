import { describe, expect, it } from "vitest";
import { CLIENT_OVERLOADED, LatencyRecorder } from "./latency-recorder.js";

const ok = { kind: "response", status: 200, bytes: 100 } as const;

/** Records `ms` of latency ending `atMs` after the recorder's origin (0). */
function answer(
  recorder: LatencyRecorder,
  ms: number,
  atMs: number,
  outcome: Parameters<LatencyRecorder["record"]>[0] = ok,
) {
  recorder.record(outcome, { startedAt: atMs - ms, endedAt: atMs });
}

describe("LatencyRecorder", () => {
  it("summarises latencies with HDR precision, percentiles in order", () => {
    const recorder = new LatencyRecorder();
    recorder.begin(0);
    for (let i = 1; i <= 1000; i++) answer(recorder, i / 10, 10 + i); // 0.1 … 100 ms
    const { latencyMs, requests, failures, avgBytes } = recorder.stats();
    expect({ requests, failures, avgBytes }).toEqual({
      requests: 1000,
      failures: 0,
      avgBytes: 100,
    });
    expect(latencyMs.min).toBeCloseTo(0.1, 2);
    expect(latencyMs.max).toBeCloseTo(100, 0);
    expect(latencyMs.p50).toBeCloseTo(50, 0);
    expect(latencyMs.p90).toBeCloseTo(90, 0);
    expect(latencyMs.p99).toBeCloseTo(99, 0);
    expect(latencyMs.mean).toBeCloseTo(50.05, 0);
    expect(latencyMs.p99_9).toBeLessThanOrEqual(latencyMs.max);
  });

  it("counts failures by status and code, network error, and dropped requests", () => {
    const recorder = new LatencyRecorder();
    recorder.begin(0);
    answer(recorder, 5, 100);
    answer(recorder, 1, 200, { kind: "response", status: 503, bytes: 80, errorCode: "OVERLOADED" });
    answer(recorder, 1, 300, { kind: "response", status: 502, bytes: 0 });
    answer(recorder, 1, 1200, { kind: "network", error: "ECONNRESET" });
    recorder.recordDropped(1500);
    const stats = recorder.stats();
    expect(stats.requests).toBe(5);
    expect(stats.failures).toBe(4);
    expect(stats.failuresByKind).toEqual({
      "503 OVERLOADED": 1,
      "502": 1,
      "network ECONNRESET": 1,
      [CLIENT_OVERLOADED]: 1,
    });
    expect(
      stats.timeline.map(({ second, requests, failures }) => ({ second, requests, failures })),
    ).toEqual([
      { second: 0, requests: 3, failures: 2 },
      { second: 1, requests: 2, failures: 2 },
    ]);
  });

  it("bins the distribution on a log scale, every answer in one bin", () => {
    const recorder = new LatencyRecorder();
    recorder.begin(0);
    for (const ms of [1, 2, 5, 10, 20, 50, 100]) answer(recorder, ms, 500);
    const bins = recorder.stats().histogram;
    expect(bins.reduce((sum, bin) => sum + bin.count, 0)).toBe(7);
    for (const [i, bin] of bins.entries()) {
      expect(bin.toMs).toBeGreaterThan(bin.fromMs);
      if (i > 0) expect(bin.fromMs).toBeCloseTo(bins[i - 1]!.toMs, 6);
    }
  });

  it("absorbs another run, its timeline after this one's", () => {
    const first = new LatencyRecorder();
    first.begin(0);
    answer(first, 10, 500);
    const second = new LatencyRecorder();
    second.begin(0);
    answer(second, 30, 500, { kind: "response", status: 503, bytes: 10, errorCode: "OVERLOADED" });
    first.absorb(second, 1);
    const stats = first.stats();
    expect(stats.requests).toBe(2);
    expect(stats.failuresByKind).toEqual({ "503 OVERLOADED": 1 });
    expect(stats.latencyMs.max).toBeCloseTo(30, 1);
    expect(stats.timeline.map((s) => s.second)).toEqual([0, 1]);
  });
});
