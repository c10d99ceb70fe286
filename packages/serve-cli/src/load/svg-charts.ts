/** One line of a line chart: (x, y) points in data units. */
export interface ChartSeries {
  name: string;
  color: string;
  points: [number, number][];
}

const WIDTH = 640;
const HEIGHT = 260;
const PAD = { left: 56, right: 16, top: 24, bottom: 40 };
const PLOT_W = WIDTH - PAD.left - PAD.right;
const PLOT_H = HEIGHT - PAD.top - PAD.bottom;

/**
 * A line chart as an inline SVG element (no script, no external files).
 *
 * @example
 * lineChartSvg([{ name: "p50", color: "#1f77b4", points: [[0, 7.9], [1, 8.1]] }], { x: "second", y: "ms" });
 */
export function lineChartSvg(series: ChartSeries[], labels: { x: string; y: string }): string {
  const xs = series.flatMap((s) => s.points.map(([x]) => x));
  const ys = series.flatMap((s) => s.points.map(([, y]) => y));
  const xMax = niceCeiling(Math.max(1, ...xs));
  const yMax = niceCeiling(Math.max(0, ...ys));
  const px = (x: number) => PAD.left + (x / xMax) * PLOT_W;
  const py = (y: number) => PAD.top + PLOT_H - (y / yMax) * PLOT_H;
  const lines = series.map((s) => {
    const d = s.points.map(
      ([x, y], i) => `${i ? "L" : "M"}${px(x).toFixed(1)},${py(y).toFixed(1)}`,
    );
    return `<path d="${d.join("")}" fill="none" stroke="${s.color}" stroke-width="2"><title>${escapeXml(s.name)}</title></path>`;
  });
  const legend = series.map(
    (s, i) =>
      `<text x="${PAD.left + 8 + i * 80}" y="${PAD.top - 8}" fill="${s.color}" font-size="12">— ${escapeXml(s.name)}</text>`,
  );
  return svg([...axes(labels, [0, xMax], [0, yMax], (v) => formatTick(v)), ...lines, ...legend]);
}

/**
 * A histogram as an inline SVG element: one bar per bin, labelled by its upper edge.
 *
 * @example
 * histogramSvg([{ fromMs: 1, toMs: 1.58, count: 12 }], "latency (ms)");
 */
export function histogramSvg(
  bins: { fromMs: number; toMs: number; count: number }[],
  xLabel: string,
): string {
  const yMax = niceCeiling(Math.max(1, ...bins.map((b) => b.count)));
  const barW = PLOT_W / Math.max(1, bins.length);
  const bars = bins.map((bin, i) => {
    const h = (bin.count / yMax) * PLOT_H;
    const x = PAD.left + i * barW;
    const title = `${formatTick(bin.fromMs)}–${formatTick(bin.toMs)} ms: ${bin.count}`;
    return `<rect x="${(x + 1).toFixed(1)}" y="${(PAD.top + PLOT_H - h).toFixed(1)}" width="${Math.max(1, barW - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="#4c78a8"><title>${title}</title></rect>`;
  });
  // Label every few bars with its upper edge, so the log scale reads.
  const every = Math.max(1, Math.ceil(bins.length / 8));
  const ticks = bins.flatMap((bin, i) =>
    i % every === 0
      ? [
          `<text x="${(PAD.left + (i + 1) * barW).toFixed(1)}" y="${HEIGHT - PAD.bottom + 14}" font-size="11" text-anchor="middle">${formatTick(bin.toMs)}</text>`,
        ]
      : [],
  );
  return svg([
    ...axes({ x: xLabel, y: "requests" }, undefined, [0, yMax], formatTick),
    ...bars,
    ...ticks,
  ]);
}

function axes(
  labels: { x: string; y: string },
  xRange: [number, number] | undefined,
  yRange: [number, number],
  format: (v: number) => string,
): string[] {
  const parts = [
    `<line x1="${PAD.left}" y1="${PAD.top + PLOT_H}" x2="${PAD.left + PLOT_W}" y2="${PAD.top + PLOT_H}" stroke="#333"/>`,
    `<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${PAD.top + PLOT_H}" stroke="#333"/>`,
    `<text x="${PAD.left + PLOT_W / 2}" y="${HEIGHT - 6}" font-size="12" text-anchor="middle">${escapeXml(labels.x)}</text>`,
    `<text x="14" y="${PAD.top + PLOT_H / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 14 ${PAD.top + PLOT_H / 2})">${escapeXml(labels.y)}</text>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const value = yRange[0] + ((yRange[1] - yRange[0]) * i) / 4;
    const y = PAD.top + PLOT_H - (PLOT_H * i) / 4;
    parts.push(
      `<line x1="${PAD.left}" y1="${y}" x2="${PAD.left + PLOT_W}" y2="${y}" stroke="#ddd"/>`,
      `<text x="${PAD.left - 6}" y="${y + 4}" font-size="11" text-anchor="end">${format(value)}</text>`,
    );
  }
  if (xRange) {
    for (let i = 0; i <= 4; i++) {
      const value = xRange[0] + ((xRange[1] - xRange[0]) * i) / 4;
      const x = PAD.left + (PLOT_W * i) / 4;
      parts.push(
        `<text x="${x}" y="${HEIGHT - PAD.bottom + 14}" font-size="11" text-anchor="middle">${format(value)}</text>`,
      );
    }
  }
  return parts;
}

function svg(parts: string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" font-family="sans-serif">${parts.join("")}</svg>`;
}

/** 1, 2 or 5 times a power of ten, at or above `value`: round numbers on the axis. */
function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((m) => m * power >= value) ?? 10;
  return step * power;
}

/** Three significant digits at most: 0.158, 12.5, 39.8, 1250. */
function formatTick(value: number): string {
  return value >= 1000 ? String(Math.round(value)) : String(Number(value.toPrecision(3)));
}

/** Escapes text for SVG and HTML. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
