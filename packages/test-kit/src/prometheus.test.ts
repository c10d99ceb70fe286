import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Prometheus,
  prometheusConfig,
  prometheusMissingReason,
  startPrometheus,
} from "./prometheus.js";

describe("prometheusConfig", () => {
  it("scrapes every target each second under one job, the timeout within the interval", () => {
    expect(prometheusConfig({ targets: ["127.0.0.1:8001", "127.0.0.1:8002"] })).toBe(
      [
        "global:",
        "  scrape_interval: 1s",
        "  scrape_timeout: 1s",
        "  evaluation_interval: 1s",
        "scrape_configs:",
        '  - job_name: "servekit"',
        "    metrics_path: /metrics",
        "    static_configs:",
        '      - targets: ["127.0.0.1:8001", "127.0.0.1:8002"]',
        "",
      ].join("\n"),
    );
  });
});

/** A loopback /metrics endpoint with one queue-depth gauge. */
async function startExporter(queued: number): Promise<Server> {
  const server = createServer((_req, res) => {
    res.setHeader("content-type", "text/plain; version=0.0.4");
    res.end(
      `# TYPE servekit_queue_depth gauge\nservekit_queue_depth{model="m",version="1"} ${queued}\n`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

const target = (server: Server) => `127.0.0.1:${(server.address() as AddressInfo).port}`;

const prometheusMissing = prometheusMissingReason();

describe.skipIf(prometheusMissing)("startPrometheus", () => {
  let exporters: Server[] = [];
  let prometheus: Prometheus;

  beforeAll(async () => {
    exporters = await Promise.all([startExporter(2), startExporter(3)]);
    prometheus = await startPrometheus({ targets: exporters.map(target) });
  });
  afterAll(async () => {
    await prometheus?.stop();
    for (const exporter of exporters) exporter.close();
  });

  it("scrapes the targets, and answers PromQL over them", async () => {
    // Prometheus applies its targets about 5 s after the start; scrapes follow each second.
    let total: number | undefined;
    for (let tries = 0; total !== 5 && tries < 200; tries++) {
      total = (await prometheus.query("sum(servekit_queue_depth)"))[0]?.value;
      if (total !== 5) await new Promise((r) => setTimeout(r, 100));
    }
    expect(total).toBe(5);
    const up = await prometheus.query('up{job="servekit"}');
    expect(up.map((s) => s.metric.instance).sort()).toEqual(exporters.map(target).sort());
  }, 30_000);

  it("names the error of a query Prometheus refuses", async () => {
    await expect(prometheus.query("sum(")).rejects.toThrow(/Prometheus refused sum\(: .*parse/);
  });

  it("stops by its PID", async () => {
    await prometheus.stop();
    await expect(fetch(`${prometheus.url}/-/ready`)).rejects.toThrow();
  });
});
