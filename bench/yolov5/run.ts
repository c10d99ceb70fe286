// YOLOv5 benchmark: raw inference limit, pipeline bound, and the server end to
// end over HTTP, measured side by side in one run on this machine.
//
//   pnpm --filter @servekit/bench yolov5 [--seconds 10] [--rounds 8] [--round-seconds 5] [--soak 300]
//
// Prints a Markdown report (pasted into docs/benchmarks.md) and writes the raw
// numbers to bench/yolov5/results/latest.json.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { Agent } from "node:http";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { sharedPath, waitForReady } from "@servekit/test-kit";
import { DEMO_ENV, DEMO_NODE_FLAGS } from "../demo-process.js";
import { postJson } from "../post-json.js";
import { median, quantile, round } from "../stats.js";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, "../..");
const { values: args } = parseArgs({
  options: {
    seconds: { type: "string", default: "10" },
    rounds: { type: "string", default: "8" },
    "round-seconds": { type: "string", default: "5" },
    soak: { type: "string", default: "0" },
  },
});
const seconds = Number(args.seconds);
const rounds = Number(args.rounds);
const roundSeconds = Number(args["round-seconds"]);
const soakSeconds = Number(args.soak);
const imagePath = sharedPath("images", "bus.jpg");
const tsx = ["--import", "tsx"];
/** Seconds of load at concurrency 8 before the soak's RSS samples. */
const SOAK_WARM_UP_S = 60;

interface LoopResult {
  mode: string;
  threads: number;
  images: number;
  seconds: number;
  stages: { preprocess: number[]; inference: number[]; postprocess: number[] };
}

/**
 * `processes` stage-loop processes, loaded once and idle between runs, so the
 * pipeline bound can be measured again and again between server rows.
 */
class StageLoops {
  private constructor(
    private readonly children: { child: ChildProcess; lines: AsyncIterator<string> }[],
  ) {}

  static async start(
    mode: "raw" | "pipeline",
    processes: number,
    threads: number,
  ): Promise<StageLoops> {
    const children = Array.from({ length: processes }, () => {
      const child = spawn(
        process.execPath,
        [...tsx, join(here, "stage-loop.ts"), mode, String(threads), imagePath],
        { stdio: ["pipe", "pipe", "inherit"], cwd: here },
      );
      const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
      return { child, lines };
    });
    for (const { lines } of children) {
      if ((await lines.next()).value !== "ready") throw new Error("stage loop did not start");
    }
    return new StageLoops(children);
  }

  /** Runs every process for `durationS` at once; returns their results. */
  async run(durationS: number): Promise<LoopResult[]> {
    for (const { child } of this.children) child.stdin!.write(`${durationS}\n`);
    return Promise.all(
      this.children.map(async ({ lines }) => {
        const { value, done } = await lines.next();
        if (done) throw new Error("stage loop exited");
        return JSON.parse(value) as LoopResult;
      }),
    );
  }

  async close(): Promise<void> {
    await Promise.all(
      this.children.map(({ child }) => {
        child.stdin!.end();
        return new Promise((resolve) => child.once("exit", resolve));
      }),
    );
  }
}

/** Runs `processes` stage loops at once for `seconds`; returns their results. */
async function stageLoops(
  mode: "raw" | "pipeline",
  processes: number,
  threads: number,
): Promise<LoopResult[]> {
  const loops = await StageLoops.start(mode, processes, threads);
  const results = await loops.run(seconds);
  await loops.close();
  return results;
}

function throughput(results: LoopResult[]): number {
  return results.reduce((sum, r) => sum + r.images / r.seconds, 0);
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/**
 * The YOLOv5 demo as `pnpm demo` starts it (examples/yolov5's start script):
 * `serve-cli compile`, then `serve-cli run` of the compiled build with the
 * demo's node flags and allocator settings, one worker per core.
 */
async function startServer(port: number): Promise<ChildProcess> {
  const example = join(repoRoot, "examples/yolov5");
  const cli = join(example, "node_modules/@servekit/cli/bin/serve-cli.js");
  execFileSync(process.execPath, [cli, "compile", "."], { cwd: example, stdio: "ignore" });
  const child = spawn(
    process.execPath,
    [...DEMO_NODE_FLAGS, cli, "run", ".", "--log-level", "warn"],
    {
      cwd: example,
      env: {
        ...process.env,
        PORT: String(port),
        WORKERS: String(availableParallelism()),
        ...DEMO_ENV,
      },
      stdio: ["ignore", "inherit", "inherit"],
    },
  );
  // Setup loads the models in every worker: give it minutes, not seconds.
  await waitForReady(`http://127.0.0.1:${port}`, { child, timeoutMs: 300_000, intervalMs: 200 });
  return child;
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

/** One saturation round: the pipeline bound, then the server at concurrency 8, back to back. */
interface SaturationRound {
  bound: number;
  pipeline: LoopResult[];
  load: LoadResult;
}

async function main() {
  const cores = availableParallelism();
  console.error(`cores: ${cores}; ${seconds}s per measurement; image ${imagePath}`);

  console.error("raw inference: 1 session × 2 threads …");
  const rawOne = await stageLoops("raw", 1, 2);
  console.error(`raw inference: ${cores} sessions × 1 thread …`);
  const rawPool = await stageLoops("raw", cores, 1);
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
  for (const concurrency of [1, 4]) {
    console.error(`server e2e, concurrency ${concurrency} …`);
    loads.push(await load(url, body, concurrency, seconds));
  }
  // The machine is shared and its speed drifts by ±10% within a minute, so
  // the bound and the saturated server are measured in short alternating
  // rounds, and each round's ratio compares measurements seconds apart. The
  // bound's processes stay loaded and idle while the server runs, and the
  // server idles while they run.
  const boundLoops = await StageLoops.start("pipeline", cores, 1);
  const saturation: SaturationRound[] = [];
  for (let round = 1; round <= rounds; round++) {
    console.error(`round ${round}/${rounds}: pipeline bound, then server e2e at concurrency 8 …`);
    const pipeline = await boundLoops.run(roundSeconds);
    const saturated = await load(url, body, 8, roundSeconds);
    saturation.push({ bound: throughput(pipeline), pipeline, load: saturated });
  }
  await boundLoops.close();
  let soak: { seconds: number; rssMiB: number[] } | undefined;
  if (soakSeconds > 0) {
    // The server idled through half of each round, and V8 and glibc hand
    // idle memory back: a minute of load first brings RSS back to its level
    // under load, so the soak measures drift, not that regrowth.
    console.error(
      `soak: ${SOAK_WARM_UP_S}s warm-up, then ${soakSeconds}s at concurrency 8, sampling RSS …`,
    );
    await load(url, body, 8, SOAK_WARM_UP_S);
    const samples: number[] = [];
    const sampler = setInterval(() => samples.push(round(rssMiB(server.pid!))), 10_000);
    await load(url, body, 8, soakSeconds);
    clearInterval(sampler);
    soak = { seconds: soakSeconds, rssMiB: samples };
  }
  const rssEnd = rssMiB(server.pid!);
  server.kill("SIGTERM");
  await new Promise((resolve) => server.once("exit", resolve));

  const summary = summarize({
    cores,
    rawOne,
    rawPool,
    single,
    loads,
    saturation,
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
  single: LoopResult[];
  loads: LoadResult[];
  saturation: SaturationRound[];
  rssStart: number;
  rssEnd: number;
  soak: { seconds: number; rssMiB: number[] } | undefined;
}

function serverRow(l: LoadResult) {
  return {
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
  };
}

function summarize({
  cores,
  rawOne,
  rawPool,
  single,
  loads,
  saturation,
  rssStart,
  rssEnd,
  soak,
}: SummaryInputs) {
  const c1 = loads[0]!;
  const ratios = saturation.map((r) => r.load.reqPerSec / r.bound);
  // The round whose ratio is the median stands for the saturated server in the table.
  const medianRound = saturation[ratios.indexOf(median(ratios))] ?? saturation[0]!;
  const allPipelines = saturation.flatMap((r) => r.pipeline);
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpu: execFileSync("sh", ["-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"])
      .toString()
      .trim(),
    cores,
    seconds,
    rounds,
    roundSeconds,
    rawInference: {
      oneSessionTwoThreads: round(throughput(rawOne)),
      poolOfSessionsOneThread: round(throughput(rawPool)),
    },
    pipelineStagesMedianMs: {
      preprocess: round(median(allPipelines.flatMap((r) => r.stages.preprocess))),
      inference: round(median(allPipelines.flatMap((r) => r.stages.inference))),
      postprocess: round(median(allPipelines.flatMap((r) => r.stages.postprocess))),
    },
    decodeLetterboxAloneP50Ms: round(median(single[0]!.stages.preprocess)),
    server: [...loads, medianRound.load].map(serverRow),
    saturationRounds: saturation.map((r, i) => ({
      pipelineBound: round(r.bound),
      serverReqPerSec: round(r.load.reqPerSec),
      ratio: round(ratios[i]!, 2),
    })),
    saturationOverBound: round(median(ratios), 2),
    overheadAtConcurrency1P50Ms: round(median(c1.timings.other)),
    overheadAtConcurrency1P99Ms: round(quantile(c1.timings.other, 0.99)),
    serverRssMiB: { afterWarmUp: round(rssStart), afterLoad: round(rssEnd) },
    ...(soak ? { soak: { ...soak, ...soakDrift(soak.rssMiB) } } : {}),
  };
}

/**
 * Whether RSS is flat under load: the medians of the soak's first and last
 * minute (6 samples each), so one sample at a collection's peak or trough
 * does not decide it.
 */
function soakDrift(samples: number[]) {
  const firstMinuteMiB = round(median(samples.slice(0, 6)));
  const lastMinuteMiB = round(median(samples.slice(-6)));
  return {
    firstMinuteMiB,
    lastMinuteMiB,
    driftPercent: round(((lastMinuteMiB - firstMinuteMiB) / firstMinuteMiB) * 100, 1),
  };
}

type Summary = ReturnType<typeof summarize>;

function report(s: Summary): string {
  const lines = [
    `Measured ${s.date.slice(0, 10)} on ${s.cpu} (${s.cores} cores), Node ${s.node}, ${s.seconds} s per row, ${s.rounds} saturation rounds of ${s.roundSeconds} s + ${s.roundSeconds} s.`,
    "",
    "| measurement | result |",
    "|---|---|",
    `| raw inference, 1 session × 2 threads | ${s.rawInference.oneSessionTwoThreads} img/s |`,
    `| raw inference, ${s.cores} sessions × 1 thread | ${s.rawInference.poolOfSessionsOneThread} img/s |`,
    `| pipeline stage medians (bound rounds) | decode+letterbox ${s.pipelineStagesMedianMs.preprocess} ms, inference ${s.pipelineStagesMedianMs.inference} ms, NMS ${s.pipelineStagesMedianMs.postprocess} ms |`,
    `| decode + letterbox of bus.jpg alone, p50 | ${s.decodeLetterboxAloneP50Ms} ms |`,
    "",
    "| round | pipeline bound (decode+letterbox → inference → NMS, 1 thread per core) | server at concurrency 8 | ratio |",
    "|---|---|---|---|",
    ...s.saturationRounds.map(
      (r, i) => `| ${i + 1} | ${r.pipelineBound} img/s | ${r.serverReqPerSec} req/s | ${r.ratio} |`,
    ),
    "",
    "| server e2e (base64 bus.jpg) | req/s | p50 | p99 | decode+letterbox | inference | NMS | everything else | of which: queue | server read+validate+hand-off | socket+HTTP+client |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
    ...s.server.map(
      (r) =>
        `| concurrency ${r.concurrency} | ${r.reqPerSec} | ${r.p50Ms} ms | ${r.p99Ms} ms | ${r.splitMedianMs.preprocess} ms | ${r.splitMedianMs.inference} ms | ${r.splitMedianMs.postprocess} ms | ${r.splitMedianMs.httpJsonAndQueue} ms | ${r.splitMedianMs.queue} ms | ${r.splitMedianMs.serverOverhead} ms | ${r.splitMedianMs.wireAndClient} ms |`,
    ),
    "",
    'All columns are medians over the requests of that row; "everything else" is the client\'s latency minus the three pipeline stages. The concurrency 8 row is the round with the median ratio (the lower middle one for an even count).',
    "",
    `Saturation / pipeline bound (median of the rounds): **${s.saturationOverBound}** (target ≥ 0.9). Overhead at concurrency 1: p50 **${s.overheadAtConcurrency1P50Ms} ms** (target ≤ 5 ms), p99 **${s.overheadAtConcurrency1P99Ms} ms** (target ≤ 8 ms). Server RSS: ${s.serverRssMiB.afterWarmUp} MiB after warm-up, ${s.serverRssMiB.afterLoad} MiB after the load.`,
  ];
  if (s.soak)
    lines.push(
      "",
      `Soak ${s.soak.seconds} s at concurrency 8 after ${SOAK_WARM_UP_S} s of warm-up load, RSS every 10 s (MiB): ${s.soak.rssMiB.join(", ")}.`,
      "",
      `RSS drift over the soak (median of the last minute against the first): **${s.soak.firstMinuteMiB} → ${s.soak.lastMinuteMiB} MiB (${s.soak.driftPercent >= 0 ? "+" : ""}${s.soak.driftPercent}%)**, range ${Math.min(...s.soak.rssMiB)}–${Math.max(...s.soak.rssMiB)} MiB.`,
    );
  return lines.join("\n");
}

await main();
