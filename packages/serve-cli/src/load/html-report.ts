import type { BenchResult } from "./bench-result.js";
import { benchSummary, tableRows } from "./bench-summary.js";
import type { LevelResult } from "./level-result.js";
import { escapeXml, histogramSvg, lineChartSvg } from "./svg-charts.js";

/**
 * A self-contained HTML report (inline CSS and SVG, nothing fetched when it
 * is opened): the results table and, per level, latency over time
 * (per-second p50 and p99) and the latency histogram.
 *
 * @example
 * await writeFile("report.html", htmlReport(result));
 */
export function htmlReport(result: BenchResult): string {
  const rows = tableRows(result);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>serve-cli bench: ${escapeXml(result.url)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;color:#222}
pre{background:#f6f6f6;padding:1rem;overflow-x:auto;font-size:12px}
section{margin:2rem 0}.charts{display:flex;flex-wrap:wrap;gap:1rem}
figure{margin:0}figcaption{font-size:13px;color:#555}
</style></head><body>
<h1>serve-cli bench</h1>
<p>${escapeXml(result.url)}${result.compare ? ` (A) against ${escapeXml(result.compare.url)} (B)` : ""}, started ${escapeXml(result.startedAt)};
warm-up ${result.settings.warmupS}s, duration ${result.settings.durationS}s per level.</p>
<h2>Results</h2><pre>${escapeXml(benchSummary(result))}</pre>
${rows.map(levelSection).join("\n")}
</body></html>
`;
}

function levelSection(level: LevelResult): string {
  const overTime = lineChartSvg(
    [
      { name: "p50", color: "#1f77b4", points: level.timeline.map((s) => [s.second, s.p50Ms]) },
      { name: "p99", color: "#d62728", points: level.timeline.map((s) => [s.second, s.p99Ms]) },
    ],
    { x: "seconds into the measured window", y: "latency (ms)" },
  );
  const histogram = histogramSvg(level.histogram, "latency (ms), log scale");
  return `<section><h2>${escapeXml(level.name)}</h2><div class="charts">
<figure>${overTime}<figcaption>Latency over time: p50 and p99 of the requests answered in each second</figcaption></figure>
<figure>${histogram}<figcaption>Latency histogram (${level.requests} requests)</figcaption></figure>
</div></section>`;
}
