import { Histogram, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { metricsText } from "./metrics-text.js";
import { SummedHistogram } from "./summed-histogram.js";

const BUCKETS = [0.01, 0.1, 1];
// On a bound, between bounds, above the last one, and zero.
const OBSERVED = { fast: [0.01, 0.005, 0, 0.2], slow: [1, 3.5, 0.5] };

/** The /metrics text of `registries`, without the process's own metrics (they move between reads). */
async function shown(registries: Registry[]): Promise<string> {
  return (await metricsText(registries)).split("\n# HELP process_")[0] as string;
}

/** The same observations as a prom-client Histogram and as a SummedHistogram, each in a registry with default labels. */
function both() {
  const reference = new Registry();
  const summed = new Registry();
  for (const registry of [reference, summed])
    registry.setDefaultLabels({ model: "demo", version: "1" });
  const config = { name: "demo_seconds", help: "how long", labelNames: ["route"] as const };
  const promClient = new Histogram({ ...config, buckets: BUCKETS, registers: [reference] });
  const ours = new SummedHistogram({ ...config, buckets: BUCKETS, registers: [summed] });
  const series = { fast: ours.series({ route: "fast" }), slow: ours.series({ route: "slow" }) };
  for (const [route, values] of Object.entries(OBSERVED) as [keyof typeof OBSERVED, number[]][]) {
    for (const value of values) {
      promClient.observe({ route }, value);
      series[route].observe(value);
    }
  }
  return { reference, summed, series };
}

describe("SummedHistogram", () => {
  it("shows on /metrics what a prom-client Histogram shows for the same observations", async () => {
    const { reference, summed } = both();
    const text = await shown([summed]);
    expect(text).toBe(await shown([reference]));
    expect(text).toContain(
      'demo_seconds_bucket{le="0.01",route="fast",model="demo",version="1"} 3',
    );
    expect(text).toContain(
      'demo_seconds_bucket{le="+Inf",route="slow",model="demo",version="1"} 3',
    );
  });

  it("merges across registries as the /metrics text does", async () => {
    const first = both();
    const second = both();
    expect(await shown([first.summed, second.summed])).toBe(
      await shown([first.reference, second.reference]),
    );
  });

  it("skips a value that is not a finite number instead of throwing", async () => {
    const { reference, summed, series } = both();
    series.fast.observe(Number.NaN);
    expect(await shown([summed])).toBe(await shown([reference]));
  });

  it("starts from zero again after resetMetrics", async () => {
    const { summed } = both();
    summed.resetMetrics();
    expect(await shown([summed])).toContain(
      'demo_seconds_count{route="slow",model="demo",version="1"} 0',
    );
  });
});
