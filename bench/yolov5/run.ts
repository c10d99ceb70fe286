// YOLOv5 benchmark: raw inference limit, pipeline bound, and the server end to
// end over HTTP, measured side by side in one run on this machine.
//
//   pnpm --filter @servekit/bench yolov5 [--seconds 10] [--soak 300]
//
// Prints a Markdown report (pasted into docs/benchmarks.md) and writes the raw
// numbers to bench/yolov5/results/latest.json.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { Agent } from "node:http";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { postJson } from "../post-json.js";
import { median, quantile, round } from "../stats.js";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, "../..");
const { values: args } = parseArgs({
  options: { seconds: { type: "string", default: "10" }, soak: { type: "string", default: "0" } },
});
const seconds = Number(args.seconds);
const soakSeconds = Number(args.soak);
const imagePath = join(
  process.env.SERVEKIT_SHARED_DIR ?? join(repoRoot, "../shared"),
  "images/bus.jpg",
);
const tsx = ["--import", "tsx"];

interface LoopResult {
  mode: string;
  threads: number;
  images: number;
  seconds: number;
  stages: { preprocess: number[]; inference: number[]; postprocess: number[] };
}

/** Runs `processes` stage loops at once; returns their results. */
async function stageLoops(
  mode: "raw" | "pipeline",
  processes: number,
  threads: number,
): Promise<LoopResult[]> {
  const runs = Array.from({ length: processes }, () => {
    const child = spawn(
      process.execPath,
      [...tsx, join(here, "stage-loop.ts"), mode, String(threads), String(seconds), imagePath],
      {
        stdio: ["ignore", "pipe", "inherit"],
        cwd: here,
      },
    );
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
    });
    return new Promise<LoopResult>((resolve, reject) =>
      child.on("exit", (code) =>
        code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`stage loop exited ${code}`)),
      ),
    );
  });
  return Promise.all(runs);
}

function throughput(results: LoopResult[]): number {
  return results.reduce((sum, r) => sum + r.images / r.seconds, 0);
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** RSS of the server process and its threads (worker threads share the process). */
function startServer(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...tsx, join(repoRoot, "examples/yolov5/src/main.ts")], {
    env: {
      ...process.env,
      PORT: String(port),
      WORKERS: String(availableParallelism()),
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  return new Promise((resolve, reject) => {
    const poll = setInterval(async () => {
      const res = await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => undefined);
      if (res?.status === 200) {
        clearInterval(poll);
        resolve(child);
      }
    }, 200);
    child.once("exit", (code) => {
      clearInterval(poll);
      reject(new Error(`server exited ${code}`));
    });
  });
}

interface LoadResult {
  concurrency: number;
  requests: number;
  errors: number;
  reqPerSec: number;
  latency: number[];
  timings: {
    preprocess: number[];
    inference: number[];
    postprocess: number[];
    /** Client latency minus the three pipeline stages. */
    other: number[];
    /** Server time outside the pipeline and the queue: body read, validation, thread hand-off, output check. */
    server: number[];
    /** Client latency minus the server's own time: sockets, HTTP parsing, the client itself. */
    wire: number[];
    queue: number[];
  };
}

/** `read;dur=1.2, validate;dur=0.8` → { read: 1.2, validate: 0.8 } */
function parseServerTiming(header: string): Record<string, number> {
  return Object.fromEntries(
    header
      .split(",")
      .map((part) => /^\s*([\w-]+);dur=([\d.]+)/.exec(part))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1], Number(m[2])]),
  );
}

/**
 * Closed-loop load: `concurrency` clients each sending the next request as
 * soon as one returns. A plain node:http client with a pre-encoded body keeps
 * the load generator's own CPU use (it shares the machine) small.
 */
async function load(
  url: string,
  body: Buffer,
  concurrency: number,
  durationS: number,
): Promise<LoadResult> {
  const result: LoadResult = {
    concurrency,
    requests: 0,
    errors: 0,
    reqPerSec: 0,
    latency: [],
    timings: {
      preprocess: [],
      inference: [],
      postprocess: [],
      other: [],
      server: [],
      wire: [],
      queue: [],
    },
  };
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const target = new URL(`${url}/predict`);
  const end = performance.now() + durationS * 1000;
  const start = performance.now();
  const client = async () => {
    while (performance.now() < end) {
      const t = performance.now();
      const res = await postJson(agent, target, body, { readBody: true });
      const ms = performance.now() - t;
      const out = JSON.parse(res.body!.toString()) as {
        timings_ms?: { preprocess: number; inference: number; postprocess: number };
      };
      if (res.status !== 200 || !out.timings_ms) {
        result.errors++;
        continue;
      }
      result.requests++;
      result.latency.push(ms);
      const { preprocess, inference, postprocess } = out.timings_ms;
      result.timings.preprocess.push(preprocess);
      result.timings.inference.push(inference);
      result.timings.postprocess.push(postprocess);
      // Everything that is not decode/letterbox, inference or NMS: HTTP, JSON, base64, validation, hand-off, queueing.
      result.timings.other.push(ms - preprocess - inference - postprocess);
      const {
        read = 0,
        validate = 0,
        queue = 0,
        predict = 0,
      } = parseServerTiming(String(res.headers["server-timing"] ?? ""));
      result.timings.queue.push(queue);
      result.timings.server.push(read + validate + predict - preprocess - inference - postprocess);
      result.timings.wire.push(ms - read - validate - queue - predict);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  result.reqPerSec = result.requests / ((performance.now() - start) / 1000);
  agent.destroy();
  return result;
}

async function main() {
  const cores = availableParallelism();
  console.error(`cores: ${cores}; ${seconds}s per measurement; image ${imagePath}`);

  console.error("raw inference: 1 session × 2 threads …");
  const rawOne = await stageLoops("raw", 1, 2);
  console.error(`raw inference: ${cores} sessions × 1 thread …`);
  const rawPool = await stageLoops("raw", cores, 1);
  console.error(`pipeline bound: ${cores} × (decode+letterbox → inference → NMS), 1 thread each …`);
  const pipeline = await stageLoops("pipeline", cores, 1);
  console.error("decode+letterbox alone (1 process, idle machine otherwise) …");
  const single = await stageLoops("pipeline", 1, 1);

  const port = 18_000 + Math.floor(Math.random() * 1000);
  const server = await startServer(port);
  const url = `http://127.0.0.1:${port}`;
  const body = Buffer.from(
    JSON.stringify({ model: "yolov5n", image: readFileSync(imagePath).toString("base64") }),
  );
  await load(url, body, cores, 3); // warm-up
  const rssStart = rssMiB(server.pid!);
  const loads: LoadResult[] = [];
  for (const concurrency of [1, 4, 8]) {
    console.error(`server e2e, concurrency ${concurrency} …`);
    loads.push(await load(url, body, concurrency, seconds));
  }
  let soak: { seconds: number; rssMiB: number[] } | undefined;
  if (soakSeconds > 0) {
    console.error(`soak: ${soakSeconds}s at concurrency 8, sampling RSS …`);
    const samples: number[] = [];
    const sampler = setInterval(() => samples.push(round(rssMiB(server.pid!))), 10_000);
    await load(url, body, 8, soakSeconds);
    clearInterval(sampler);
    soak = { seconds: soakSeconds, rssMiB: samples };
  }
  const rssEnd = rssMiB(server.pid!);
  server.kill("SIGTERM");
  await new Promise((resolve) => server.once("exit", resolve));
  // The machine is shared and noisy: measure the bound again after the server
  // rows and compare against the mean of both measurements.
  console.error("pipeline bound again …");
  const pipelineAfter = await stageLoops("pipeline", cores, 1);

  const bound = (throughput(pipeline) + throughput(pipelineAfter)) / 2;
  const summary = summarize({
    cores,
    rawOne,
    rawPool,
    pipeline,
    pipelineAfter,
    single,
    loads,
    bound,
    rssStart,
    rssEnd,
    soak,
  });
  mkdirSync(join(here, "results"), { recursive: true });
  writeFileSync(join(here, "results/latest.json"), `${JSON.stringify(summary, null, 2)}\n`);
  console.log(report(summary));
}

interface SummaryInputs {
  cores: number;
  rawOne: LoopResult[];
  rawPool: LoopResult[];
  pipeline: LoopResult[];
  pipelineAfter: LoopResult[];
  single: LoopResult[];
  loads: LoadResult[];
  bound: number;
  rssStart: number;
  rssEnd: number;
  soak: { seconds: number; rssMiB: number[] } | undefined;
}

function summarize({
  cores,
  rawOne,
  rawPool,
  pipeline,
  pipelineAfter,
  single,
  loads,
  bound,
  rssStart,
  rssEnd,
  soak,
}: SummaryInputs) {
  const saturation = Math.max(...loads.map((l) => l.reqPerSec));
  const c1 = loads[0]!;
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpu: execFileSync("sh", ["-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"])
      .toString()
      .trim(),
    cores,
    seconds,
    rawInference: {
      oneSessionTwoThreads: round(throughput(rawOne)),
      poolOfSessionsOneThread: round(throughput(rawPool)),
    },
    pipelineBound: round(bound),
    pipelineBoundBeforeAndAfter: [round(throughput(pipeline)), round(throughput(pipelineAfter))],
    pipelineStagesMedianMs: {
      preprocess: round(median(pipeline.flatMap((r) => r.stages.preprocess))),
      inference: round(median(pipeline.flatMap((r) => r.stages.inference))),
      postprocess: round(median(pipeline.flatMap((r) => r.stages.postprocess))),
    },
    decodeLetterboxAloneP50Ms: round(median(single[0]!.stages.preprocess)),
    server: loads.map((l) => ({
      concurrency: l.concurrency,
      reqPerSec: round(l.reqPerSec),
      p50Ms: round(median(l.latency)),
      p99Ms: round(quantile(l.latency, 0.99)),
      errors: l.errors,
      splitMedianMs: {
        preprocess: round(median(l.timings.preprocess)),
        inference: round(median(l.timings.inference)),
        postprocess: round(median(l.timings.postprocess)),
        httpJsonAndQueue: round(median(l.timings.other)),
        serverOverhead: round(median(l.timings.server)),
        wireAndClient: round(median(l.timings.wire)),
        queue: round(median(l.timings.queue)),
      },
    })),
    saturationOverBound: round(saturation / bound, 2),
    overheadAtConcurrency1P50Ms: round(median(c1.timings.other)),
    serverRssMiB: { afterWarmUp: round(rssStart), afterLoad: round(rssEnd) },
    ...(soak ? { soak } : {}),
  };
}

type Summary = ReturnType<typeof summarize>;

function report(s: Summary): string {
  const lines = [
    `Measured ${s.date.slice(0, 10)} on ${s.cpu} (${s.cores} cores), Node ${s.node}, ${s.seconds} s per row.`,
    "",
    "| measurement | result |",
    "|---|---|",
    `| raw inference, 1 session × 2 threads | ${s.rawInference.oneSessionTwoThreads} img/s |`,
    `| raw inference, ${s.cores} sessions × 1 thread | ${s.rawInference.poolOfSessionsOneThread} img/s |`,
    `| pipeline bound (decode+letterbox → inference → NMS, ${s.cores} × 1 thread), mean of before/after the server rows | ${s.pipelineBound} img/s (${s.pipelineBoundBeforeAndAfter.join(" / ")}) |`,
    `| pipeline stage medians | decode+letterbox ${s.pipelineStagesMedianMs.preprocess} ms, inference ${s.pipelineStagesMedianMs.inference} ms, NMS ${s.pipelineStagesMedianMs.postprocess} ms |`,
    `| decode + letterbox of bus.jpg alone, p50 | ${s.decodeLetterboxAloneP50Ms} ms |`,
    "",
    "| server e2e (base64 bus.jpg) | req/s | p50 | p99 | decode+letterbox | inference | NMS | everything else | of which: queue | server read+validate+hand-off | socket+HTTP+client |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
    ...s.server.map(
      (r) =>
        `| concurrency ${r.concurrency} | ${r.reqPerSec} | ${r.p50Ms} ms | ${r.p99Ms} ms | ${r.splitMedianMs.preprocess} ms | ${r.splitMedianMs.inference} ms | ${r.splitMedianMs.postprocess} ms | ${r.splitMedianMs.httpJsonAndQueue} ms | ${r.splitMedianMs.queue} ms | ${r.splitMedianMs.serverOverhead} ms | ${r.splitMedianMs.wireAndClient} ms |`,
    ),
    "",
    'All columns are medians over the requests of that row; "everything else" is the client\'s latency minus the three pipeline stages.',
    "",
    `Saturation / pipeline bound: **${s.saturationOverBound}** (target ≥ 0.9). Overhead at concurrency 1 (p50): **${s.overheadAtConcurrency1P50Ms} ms** (target ≤ 5 ms). Server RSS: ${s.serverRssMiB.afterWarmUp} MiB after warm-up, ${s.serverRssMiB.afterLoad} MiB after the load.`,
  ];
  if (s.soak)
    lines.push(
      `Soak ${s.soak.seconds} s at concurrency 8, RSS every 10 s (MiB): ${s.soak.rssMiB.join(", ")}.`,
    );
  return lines.join("\n");
}

await main();
