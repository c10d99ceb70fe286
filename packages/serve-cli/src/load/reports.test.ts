import { describe, expect, it } from "vitest";
import type { BenchResult } from "./bench-result.js";
import { benchSummary, tableRows } from "./bench-summary.js";
import { comparisonTable } from "./comparison-table.js";
import { htmlReport } from "./html-report.js";
import type { LevelResult } from "./level-result.js";
import { resultsTable } from "./results-table.js";

const level: LevelResult = {
  name: "concurrency 4",
  mode: "closed",
  concurrency: 4,
  rate: null,
  url: "http://127.0.0.1:8000/predict",
  durationS: 10,
  rps: 118.2,
  requests: 1200,
  failures: 18,
  failuresByKind: { "503 OVERLOADED": 17, "network ECONNRESET": 1 },
  latencyMs: { min: 3.1, mean: 33.4, p50: 31.2, p90: 45, p99: 81.7, p99_9: 140.3, max: 152 },
  avgBytes: 512,
  timeline: [
    { second: 0, requests: 600, failures: 9, p50Ms: 30, p99Ms: 80 },
    { second: 1, requests: 600, failures: 9, p50Ms: 32, p99Ms: 84 },
  ],
  histogram: [
    { fromMs: 10, toMs: 15.8, count: 200 },
    { fromMs: 15.8, toMs: 25.1, count: 1000 },
  ],
};

const result: BenchResult = {
  startedAt: "2026-12-02T15:00:00.000Z",
  url: level.url,
  settings: {
    warmupS: 2,
    durationS: 10,
    maxRequests: null,
    maxInFlight: 1000,
    timeoutS: 30,
    rounds: null,
  },
  levels: [level],
  compare: null,
};

describe("bench reports", () => {
  it("prints Locust's columns plus percentiles, and an error report", () => {
    const table = resultsTable([level]);
    const [header, row] = table.split("\n");
    expect(header).toMatch(
      /^Type +Name +# requests +# fails +Median \(ms\) +90%ile \(ms\) +99%ile \(ms\) +99\.9%ile \(ms\) +Average \(ms\) +Min \(ms\) +Max \(ms\) +Avg size \(bytes\) +RPS +Failures\/s$/,
    );
    expect(row).toMatch(
      /^POST +concurrency 4 +1200 +18 +31\.2 +45\.0 +81\.7 +140 +33\.4 +3\.10 +152 +512 +118\.2 +1\.8$/,
    );
    expect(table).toMatch(
      /Error report\n# occurrences +Name +Error\n +17 +concurrency 4 +503 OVERLOADED\n +1 +concurrency 4 +network ECONNRESET/,
    );
  });

  it("prints B/A ratios with the servers named", () => {
    const text = comparisonTable(
      [
        {
          name: "concurrency 4",
          rounds: [],
          medianRatio: { rps: 1.8234, p50: 0.55, p99: Number.NaN },
        },
      ],
      { a: "http://a", b: "http://b", rounds: 4 },
    );
    expect(text).toContain("B/A ratios, median of 4 rounds (A = http://a, B = http://b)");
    expect(text).toMatch(/concurrency 4 +1\.82x +0\.55x +n\/a/);
  });

  it("with --compare, puts each level's B row under its A row, then the ratios", () => {
    const compared: BenchResult = {
      ...result,
      settings: { ...result.settings, rounds: 2 },
      compare: {
        url: "http://127.0.0.1:8001/predict",
        levels: [{ ...level, url: "http://127.0.0.1:8001/predict" }],
        comparisons: [{ name: level.name, rounds: [], medianRatio: { rps: 1, p50: 1, p99: 1 } }],
      },
    };
    expect(tableRows(compared).map((row) => row.name)).toEqual([
      "A concurrency 4",
      "B concurrency 4",
    ]);
    const text = benchSummary(compared);
    expect(text).toMatch(/^POST +A concurrency 4 .*\nPOST +B concurrency 4 /m);
    expect(text).toMatch(/B\/A ratios, median of 2 rounds[^\n]*\nName +RPS B\/A/);
    expect(htmlReport(compared).match(/<svg /g)).toHaveLength(4);
  });

  it("writes a self-contained HTML page with the table and SVG plots", () => {
    const html = htmlReport(result);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain("Median (ms)");
    // Latency over time and the histogram, per level.
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).toContain("<title>p99</title>");
    // Nothing to fetch when it is opened.
    expect(html).not.toMatch(/<script|<link|src=|href=/);
  });
});
