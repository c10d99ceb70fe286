// Overload benchmark: goodput, /health latency and queue waits when clients
// offer several times what the server can do (issue 14, item 3).
//
//   pnpm bench:overload [--seconds 60] [--capacity-seconds 20] [--factor 5] [--workers N]
//
// 1. capacity: successful predictions/s of YOLOv5 (base64 bus.jpg) at a
//    modest closed-loop concurrency (2 per worker);
// 2. overload: open-loop arrivals at `factor` × that rate for `seconds`, each
//    request on its own socket slot (refusals do not slow the offered rate),
//    while /health is polled every 100 ms;
// 3. capacity again, so drift on a shared machine shows (goodput is compared
//    with the capacity measured just before).
// Targets: goodput ≥ 90 % of capacity, /health p99 ≤ 50 ms, no accepted
// request waiting longer than queueTimeoutMs (its Server-Timing `queue`, the
// wait for a slot). Prints a Markdown report (docs/benchmarks.md) and
// writes the numbers to bench/overload/results/latest.json; the server's log
// goes to servekit-overload-server.log in the temporary directory.
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { Agent, get } from "node:http";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { sharedPath, waitForReady } from "@servekit/test-kit";
import { postJson } from "../post-json.js";
import { median, quantile, round } from "../stats.js";

const here = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    seconds: { type: "string", default: "60" },
    "capacity-seconds": { type: "string", default: "20" },
    factor: { type: "string", default: "5" },
    workers: { type: "string", default: String(Math.max(1, availableParallelism() - 1)) },
    "max-queue": { type: "string", default: "64" },
    "queue-timeout-ms": { type: "string", default: "30000" },
  },
});
const overloadSeconds = Number(args.seconds);
const capacitySeconds = Number(args["capacity-seconds"]);
const factor = Number(args.factor);
const workers = Number(args.workers);
const maxQueue = Number(args["max-queue"]);
const queueTimeoutMs = Number(args["queue-timeout-ms"]);
const imagePath = sharedPath("images", "bus.jpg");
const resultsDir = join(here, "results");
const serverLog = join(tmpdir(), "servekit-overload-server.log");
const port = 18_000 + Math.floor(Math.random() * 1_000);
const base = `http://127.0.0.1:${port}`;

async function startServer(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", join(here, "server.ts")], {
    env: {
      ...process.env,
      PORT: String(port),
      WORKERS: String(workers),
      MAX_QUEUE: String(maxQueue),
      QUEUE_TIMEOUT_MS: String(queueTimeoutMs),
    },
    stdio: ["ignore", "pipe", "inherit"],
    cwd: here,
  });
  child.stdout!.pipe(createWriteStream(serverLog));
  await waitForReady(base, { child, timeoutMs: 300_000, intervalMs: 200 });
  return child;
}

/** `queue;dur=1.2, predict;dur=80` → the queue duration. */
function queueMs(header: string | string[] | undefined): number | undefined {
  const match = /queue;dur=([\d.]+)/.exec(String(header ?? ""));
  return match ? Number(match[1]) : undefined;
}

/**
 * Closed loop at `concurrency` for `seconds`: successful predictions per
 * second, and /health latencies polled meanwhile (the baseline for overload).
 */
async function capacity(
  body: Buffer,
  concurrency: number,
  seconds: number,
): Promise<{ perSec: number; health: number[] }> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const target = new URL(`${base}/predict`);
  let ok = 0;
  const end = performance.now() + seconds * 1000;
  const start = performance.now();
  const health = pollHealth(end, 100);
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        if ((await postJson(agent, target, body)).status === 200) ok++;
      }
    }),
  );
  agent.destroy();
  return { perSec: ok / ((performance.now() - start) / 1000), health: await health };
}

/** GET /health every `everyMs` until `until`; returns each latency. */
async function pollHealth(until: number, everyMs: number): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const latencies: number[] = [];
  while (performance.now() < until) {
    const t = performance.now();
    await new Promise<void>((resolve) => {
      get(`${base}/health`, { agent }, (res) => {
        res.resume();
        res.on("end", () => resolve());
      }).on("error", () => resolve());
    });
    latencies.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, Math.max(0, everyMs - (performance.now() - t))));
  }
  agent.destroy();
  return latencies;
}

interface OverloadResult {
  offeredPerSec: number;
  sent: number;
  succeeded: number;
  refused: number;
  /** `Retry-After` of the refusals, in seconds: median and range. */
  retryAfterP50S: number;
  retryAfterMinS: number;
  retryAfterMaxS: number;
  otherErrors: number;
  goodputPerSec: number;
  maxQueueMs: number;
  p99QueueMs: number;
  p50LatencyMs: number;
  maxLatencyMs: number;
  healthP50Ms: number;
  healthP99Ms: number;
  healthMaxMs: number;
}

/**
 * Open loop: requests start at `ratePerSec` regardless of how earlier ones
 * fared, for `seconds`. Goodput counts predictions that succeeded and
 * finished within the window plus those still in flight at its end (a short
 * drain after), so the count is not cut off by where the window ends.
 */
async function overload(
  body: Buffer,
  ratePerSec: number,
  seconds: number,
): Promise<OverloadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
  const target = new URL(`${base}/predict`);
  const start = performance.now();
  const end = start + seconds * 1000;
  const health = pollHealth(end, 100);
  const requests: Promise<void>[] = [];
  const accepted: { queue: number; latency: number }[] = [];
  let refused = 0;
  const retryAfters: number[] = [];
  let otherErrors = 0;
  let succeededInWindow = 0;
  for (let i = 0; ; i++) {
    const due = start + (i * 1000) / ratePerSec;
    if (due >= end) break;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const t = performance.now();
    requests.push(
      postJson(agent, target, body).then(
        (res) => {
          const done = performance.now();
          if (res.status === 200) {
            accepted.push({ queue: queueMs(res.headers["server-timing"]) ?? 0, latency: done - t });
            if (done <= end) succeededInWindow++;
          } else if (res.status === 503 || res.status === 429) {
            refused++;
            retryAfters.push(Number(res.headers["retry-after"]));
          } else otherErrors++;
        },
        () => {
          otherErrors++;
        },
      ),
    );
  }
  const healthLatencies = await health;
  await Promise.all(requests);
  agent.destroy();
  const queues = accepted.map((a) => a.queue);
  const latencies = accepted.map((a) => a.latency);
  return {
    offeredPerSec: round(ratePerSec),
    sent: requests.length,
    succeeded: accepted.length,
    refused,
    retryAfterP50S: median(retryAfters),
    retryAfterMinS: Math.min(...retryAfters),
    retryAfterMaxS: Math.max(...retryAfters),
    otherErrors,
    goodputPerSec: round(succeededInWindow / seconds),
    maxQueueMs: round(Math.max(0, ...queues)),
    p99QueueMs: round(quantile(queues, 0.99)),
    p50LatencyMs: round(median(latencies)),
    maxLatencyMs: round(Math.max(0, ...latencies)),
    healthP50Ms: round(median(healthLatencies)),
    healthP99Ms: round(quantile(healthLatencies, 0.99)),
    healthMaxMs: round(Math.max(0, ...healthLatencies)),
  };
}

/** Lines of the server's log by level name. */
function logLevels(): Record<string, number> {
  const names: Record<number, string> = { 20: "debug", 30: "info", 40: "warn", 50: "error" };
  const counts: Record<string, number> = {};
  for (const line of readFileSync(serverLog, "utf8").split("\n")) {
    if (!line.trim()) continue;
    try {
      const level = names[(JSON.parse(line) as { level: number }).level] ?? "other";
      counts[level] = (counts[level] ?? 0) + 1;
    } catch {
      counts.other = (counts.other ?? 0) + 1;
    }
  }
  return counts;
}

async function main() {
  const body = Buffer.from(
    JSON.stringify({ model: "yolov5n", image: readFileSync(imagePath).toString("base64") }),
  );
  const server = await startServer();
  try {
    const concurrency = 2 * workers;
    console.error(
      `warm-up, then capacity at concurrency ${concurrency} for ${capacitySeconds} s …`,
    );
    await capacity(body, concurrency, 3);
    const measured = await capacity(body, concurrency, capacitySeconds);
    const capacityPerSec = measured.perSec;
    const baselineHealthP99Ms = round(quantile(measured.health, 0.99));
    const rate = factor * capacityPerSec;
    console.error(
      `capacity ${round(capacityPerSec)}/s; offering ${round(rate)}/s for ${overloadSeconds} s …`,
    );
    const cpuBefore = process.cpuUsage();
    const result = await overload(body, rate, overloadSeconds);
    const cpu = process.cpuUsage(cpuBefore);
    const loadGeneratorCpu = round(((cpu.user + cpu.system) / 1e6 / overloadSeconds) * 100);
    console.error(`capacity again at concurrency ${concurrency} for ${capacitySeconds} s …`);
    const after = await capacity(body, concurrency, capacitySeconds);
    server.kill("SIGTERM");
    await new Promise((resolve) => server.once("exit", resolve));
    const levels = logLevels();
    const ratio = result.goodputPerSec / capacityPerSec;
    const targets = {
      goodput: ratio >= 0.9,
      health: result.healthP99Ms <= 50,
      queueWait: result.maxQueueMs <= queueTimeoutMs,
    };
    const report = {
      date: new Date().toISOString(),
      cores: availableParallelism(),
      workers,
      maxQueue,
      queueTimeoutMs,
      factor,
      capacityPerSec: round(capacityPerSec),
      capacityAfterPerSec: round(after.perSec),
      baselineHealthP99Ms,
      loadGeneratorCpuPercent: loadGeneratorCpu,
      loadAverage: loadavg().map((l) => round(l, 2)),
      ...result,
      goodputRatio: round(ratio, 3),
      serverLogLines: levels,
      targets,
    };
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(join(resultsDir, "latest.json"), `${JSON.stringify(report, null, 2)}\n`);
    const mark = (ok: boolean) => (ok ? "met" : "**not met**");
    process.stdout.write(
      [
        `| capacity before / after (c=${concurrency}) | offered (${factor}×) | goodput | of capacity | refused (503) | Retry-After p50 (range) | other errors | accepted: max queue wait / p99 | accepted: p50 / max latency | /health p50 / p99 / max (at capacity: p99) | server log lines |`,
        "|---|---|---|---|---|---|---|---|---|---|---|",
        `| ${report.capacityPerSec} / ${report.capacityAfterPerSec}/s | ${result.offeredPerSec}/s | ${result.goodputPerSec}/s | ${round(ratio * 100)} % | ${result.refused} | ${result.retryAfterP50S} s (${result.retryAfterMinS}–${result.retryAfterMaxS}) | ${result.otherErrors} | ${result.maxQueueMs} / ${result.p99QueueMs} ms | ${result.p50LatencyMs} / ${result.maxLatencyMs} ms | ${result.healthP50Ms} / ${result.healthP99Ms} / ${result.healthMaxMs} ms (${baselineHealthP99Ms} ms) | ${Object.entries(
          levels,
        )
          .map(([k, v]) => `${k} ${v}`)
          .join(", ")} |`,
        "",
        `Load generator: ${loadGeneratorCpu} % of a core during overload; load average at the end ${report.loadAverage.join(", ")} on ${report.cores} cores.`,
        "",
        `Targets: goodput ≥ 90 % of capacity: ${mark(targets.goodput)}; /health p99 ≤ 50 ms: ${mark(targets.health)}; no accepted request waits longer than queueTimeoutMs (${queueTimeoutMs} ms): ${mark(targets.queueWait)}.`,
        "",
      ].join("\n"),
    );
  } finally {
    if (server.exitCode === null) server.kill("SIGKILL");
  }
}

await main();
