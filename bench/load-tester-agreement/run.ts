// Does `serve-cli bench` measure what an independent load generator measures?
// Starts the YOLOv5 example (one worker per core) and drives it with
// autocannon and with serve-cli's `bench()` in alternating rounds of one run,
// closed loop at the same concurrency and the same request (bus.jpg as base64
// JSON), then prints both tools' req/s, p50 and p99 and their ratios.
//
//   pnpm --filter @servekit/bench load-tester-agreement [--rounds 4] [--seconds 8] [--concurrency 4]
//
// Prints a Markdown table (pasted into docs/benchmarks.md) and writes the raw
// numbers to bench/load-tester-agreement/results/latest.json.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { bench } from "@servekit/cli";
import { freePort, sharedPath, waitForReady } from "@servekit/test-kit";
import autocannon from "autocannon";
import { median, round } from "../stats.js";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, "../..");
const { values: args } = parseArgs({
  options: {
    rounds: { type: "string", default: "4" },
    seconds: { type: "string", default: "8" },
    concurrency: { type: "string", default: "4" },
  },
});
const rounds = Number(args.rounds);
const seconds = Number(args.seconds);
const concurrency = Number(args.concurrency);

interface Measured {
  tool: "autocannon" | "serve-cli bench";
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

async function startServer(port: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [join(repoRoot, "packages/serve-cli/dist/bin.js"), "run", "examples/yolov5"],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        PORT: String(port),
        WORKERS: String(availableParallelism()),
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  await waitForReady(`http://127.0.0.1:${port}`, { child, timeoutMs: 300_000, intervalMs: 200 });
  return child;
}

async function withAutocannon(url: string, body: string): Promise<Measured> {
  const result = await autocannon({
    url: `${url}/predict`,
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
    connections: concurrency,
    duration: seconds,
  });
  return {
    tool: "autocannon",
    reqPerSec: result.requests.total / seconds,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.non2xx + result.errors,
  };
}

async function withServeCliBench(url: string): Promise<Measured> {
  const result = await bench({
    url,
    request: { inputs: [`image=@${sharedPath("images", "bus.jpg")}`] },
    levels: [{ mode: "closed", concurrency }],
    warmupMs: 0,
    durationMs: seconds * 1000,
  });
  const level = result.levels[0]!;
  return {
    tool: "serve-cli bench",
    reqPerSec: level.rps,
    p50Ms: level.latencyMs.p50,
    p99Ms: level.latencyMs.p99,
    errors: level.failures,
  };
}

async function main() {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const body = JSON.stringify({
    image: readFileSync(sharedPath("images", "bus.jpg")).toString("base64"),
  });
  console.error(`starting the YOLOv5 example on ${url} …`);
  const server = await startServer(port);
  try {
    console.error("warm-up: 3 s of autocannon");
    await autocannon({
      url: `${url}/predict`,
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
      connections: concurrency,
      duration: 3,
    });
    const pairs: { round: number; autocannon: Measured; servekit: Measured }[] = [];
    for (let i = 1; i <= rounds; i++) {
      console.error(`round ${i}/${rounds}: ${seconds} s of each, concurrency ${concurrency}`);
      // Alternate which tool goes first, so a drift of the machine favours neither.
      const first = i % 2 === 1 ? () => withAutocannon(url, body) : () => withServeCliBench(url);
      const second = i % 2 === 1 ? () => withServeCliBench(url) : () => withAutocannon(url, body);
      const a = await first();
      const b = await second();
      const [ac, sk] = a.tool === "autocannon" ? [a, b] : [b, a];
      pairs.push({ round: i, autocannon: ac, servekit: sk });
    }
    const ratio = (pick: (m: Measured) => number) =>
      round(median(pairs.map((p) => pick(p.servekit) / pick(p.autocannon))), 3);
    const result = {
      date: new Date().toISOString(),
      node: process.version,
      concurrency,
      seconds,
      rounds: pairs,
      servekitOverAutocannon: {
        reqPerSec: ratio((m) => m.reqPerSec),
        p50: ratio((m) => m.p50Ms),
        p99: ratio((m) => m.p99Ms),
      },
    };
    mkdirSync(join(here, "results"), { recursive: true });
    writeFileSync(join(here, "results/latest.json"), `${JSON.stringify(result, null, 2)}\n`);
    const row = (p: (typeof pairs)[number]) =>
      `| ${p.round} | ${round(p.autocannon.reqPerSec)} / ${round(p.servekit.reqPerSec)} | ${round(p.autocannon.p50Ms)} / ${round(p.servekit.p50Ms)} ms | ${round(p.autocannon.p99Ms)} / ${round(p.servekit.p99Ms)} ms | ${p.autocannon.errors} / ${p.servekit.errors} |`;
    console.log(
      [
        `YOLOv5 example, ${availableParallelism()} workers, closed loop at concurrency ${concurrency}, ${seconds} s per tool per round, ${result.date.slice(0, 10)}, Node ${result.node}:`,
        "",
        "| round | req/s (autocannon / serve-cli bench) | p50 | p99 | errors |",
        "|---|---|---|---|---|",
        ...pairs.map(row),
        "",
        `serve-cli bench / autocannon, median of the rounds: req/s **${result.servekitOverAutocannon.reqPerSec}**, p50 **${result.servekitOverAutocannon.p50}**, p99 **${result.servekitOverAutocannon.p99}**.`,
      ].join("\n"),
    );
  } finally {
    server.kill("SIGTERM");
  }
}

await main();
