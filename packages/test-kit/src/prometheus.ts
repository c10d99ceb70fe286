import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port.js";
import {
  answers200,
  findProgram,
  type ProgramSpec,
  programMissingReason,
  startProgram,
  withPortRetries,
} from "./local-service.js";

const PROMETHEUS: ProgramSpec = {
  name: "prometheus",
  envVar: "PROMETHEUS",
  install: "apt-get install prometheus",
  neededBy: "the Prometheus tests",
};

/** What {@link prometheusConfig} scrapes. */
export interface PrometheusConfigOptions {
  /** `host:port` of each server whose `/metrics` is scraped. */
  targets: readonly string[];
  /** The `job` label of the scraped series. @default "servekit" */
  job?: string;
  /** Seconds between scrapes (and the scrape timeout). @default 1 */
  scrapeIntervalSeconds?: number;
}

/**
 * The Prometheus configuration that scrapes `targets`' `/metrics` every
 * `scrapeIntervalSeconds` under one job.
 *
 * @example
 * prometheusConfig({ targets: ["127.0.0.1:8000", "127.0.0.1:8001"] });
 */
export function prometheusConfig(options: PrometheusConfigOptions): string {
  const { targets, job = "servekit", scrapeIntervalSeconds = 1 } = options;
  return [
    "global:",
    `  scrape_interval: ${scrapeIntervalSeconds}s`,
    // The timeout may not exceed the interval, and defaults to 10 s.
    `  scrape_timeout: ${scrapeIntervalSeconds}s`,
    `  evaluation_interval: ${scrapeIntervalSeconds}s`,
    "scrape_configs:",
    `  - job_name: ${JSON.stringify(job)}`,
    "    metrics_path: /metrics",
    "    static_configs:",
    `      - targets: [${targets.map((t) => JSON.stringify(t)).join(", ")}]`,
    "",
  ].join("\n");
}

/** One series of an instant query's answer. */
export interface PromSample {
  metric: Record<string, string>;
  value: number;
}

/** A throwaway Prometheus started by {@link startPrometheus}. */
export interface Prometheus {
  /** Its web and API address, e.g. "http://127.0.0.1:41234". */
  url: string;
  /** The configuration it runs. */
  config: string;
  /** Its process id (stop() ends this process only). */
  pid: number;
  /** Runs an instant PromQL query (`/api/v1/query`) and returns its samples. */
  query(promql: string): Promise<PromSample[]>;
  /** Stops it; resolves once it has exited and its data directory is gone. */
  stop(): Promise<void>;
}

/**
 * Why Prometheus tests cannot run here, or undefined when they can: pass it
 * to `describe.skipIf`. With `CI=true` a missing `prometheus` throws instead.
 *
 * @example
 * describe.skipIf(prometheusMissingReason())("scraped by Prometheus", () => { ... });
 */
export function prometheusMissingReason(): string | undefined {
  return programMissingReason(PROMETHEUS);
}

/**
 * Starts Debian's `prometheus` on a free loopback port, its storage in a
 * temporary directory, scraping `targets` with {@link prometheusConfig}; resolves
 * once it is ready. Stop it with `stop()` (by its PID) in an `afterAll`.
 *
 * @example
 * const prom = await startPrometheus({ targets: ["127.0.0.1:8000"] });
 * const [total] = await prom.query("sum(servekit_queue_depth)");
 * await prom.stop();
 */
export async function startPrometheus(options: PrometheusConfigOptions): Promise<Prometheus> {
  const binary = findProgram(PROMETHEUS);
  if (!binary) throw new Error(prometheusMissingReason() ?? "prometheus is not installed");
  return withPortRetries(async () => {
    const port = await freePort();
    const config = prometheusConfig(options);
    const dir = mkdtempSync(join(tmpdir(), "servekit-prometheus-"));
    const file = join(dir, "prometheus.yml");
    writeFileSync(file, config);
    mkdirSync(join(dir, "data"));
    const url = `http://127.0.0.1:${port}`;
    const service = await startProgram({
      binary,
      args: [
        `--config.file=${file}`,
        `--storage.tsdb.path=${join(dir, "data")}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      answers: () => answers200(`${url}/-/ready`),
    }).catch((error: unknown) => {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    });
    return {
      url,
      config,
      pid: service.pid,
      query: (promql) => instantQuery(url, promql),
      stop: async () => {
        await service.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  });
}

async function instantQuery(url: string, promql: string): Promise<PromSample[]> {
  const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`, {
    signal: AbortSignal.timeout(5_000),
  });
  const body = (await res.json()) as {
    status: string;
    error?: string;
    data?: { resultType: string; result: { metric: Record<string, string>; value: unknown[] }[] };
  };
  if (body.status !== "success" || !body.data)
    throw new Error(`Prometheus refused ${promql}: ${body.error ?? res.status}`);
  if (body.data.resultType !== "vector")
    throw new Error(`${promql} gave a ${body.data.resultType}, not an instant vector`);
  return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
}
