import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { SummedCounter } from "./summed-counter.js";

describe("SummedCounter", () => {
  it("shows every count at the next scrape, once", async () => {
    const registry = new Registry();
    const requests = new SummedCounter({
      name: "demo_requests_total",
      help: "requests",
      labelNames: ["status"] as const,
      registers: [registry],
    });
    const ok = requests.series({ status: "200" });
    const failed = requests.series({ status: "500" });
    for (let i = 0; i < 5; i++) ok.count++;
    failed.count++;
    const first = await registry.metrics();
    expect(first).toContain('demo_requests_total{status="200"} 5');
    expect(first).toContain('demo_requests_total{status="500"} 1');
    ok.count += 2;
    const second = await registry.metrics();
    expect(second).toContain('demo_requests_total{status="200"} 7');
    expect(second).toContain('demo_requests_total{status="500"} 1');
  });
});
