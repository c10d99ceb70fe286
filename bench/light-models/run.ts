// Framework overhead for light models: servekit against its peers, side by
// side in one run, in alternating rounds at concurrency 64 (closed loop).
//   echo:   validated echo predictor vs FastAPI + uvicorn (1 worker) vs bare Hono + zod
//           (and bare node:http + zod, the ceiling of any Node server here)
//   linear: ride-duration linear regression (ONNX) vs Flask + gunicorn (sklearn pickle)
// Installs the Python peers from Debian's packages when missing. Prints a
// table per bench and writes results/latest.json.
//
//   pnpm --filter @servekit/bench light-models [--seconds 5] [--rounds 5] [--only echo|linear]
//     [--servekit-option maxConcurrency=64]
import { availableParallelism, cpus, release } from "node:os";
import { parseArgs } from "node:util";
import { round } from "../stats.js";
import type { BenchResult } from "./bench-result.js";
import { stopAll } from "./children.js";
import { echoBench } from "./echo-bench.js";
import { linearBench } from "./linear-bench.js";
import { peerNodeVersions } from "./node-versions.js";
import { ensurePythonPeers, pythonPeerVersions } from "./python-peers.js";
import { formatBench, writeResults } from "./report.js";

const { values: args } = parseArgs({
  options: {
    seconds: { type: "string", default: "5" },
    rounds: { type: "string", default: "5" },
    only: { type: "string" },
    "servekit-option": { type: "string" },
  },
});
const seconds = Number(args.seconds);
const rounds = Number(args.rounds);
if (!(seconds > 0) || !Number.isInteger(rounds) || rounds < 1) {
  throw new Error(
    `--seconds must be > 0 and --rounds a whole number ≥ 1, got ${args.seconds} and ${args.rounds}`,
  );
}
if (args.only !== undefined && args.only !== "echo" && args.only !== "linear") {
  throw new Error(`--only must be echo or linear, got ${args.only}`);
}

/** `key=value` → `{ key: value }`, the value as JSON when it parses (2, true), else the string. */
function parseOption(option: string | undefined): Record<string, unknown> | undefined {
  if (option === undefined) return undefined;
  const at = option.indexOf("=");
  if (at <= 0)
    throw new Error(`--servekit-option must be key=value, e.g. processes=2, got ${option}`);
  const raw = option.slice(at + 1);
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {}
  return { [option.slice(0, at)]: value };
}
const servekitOption = parseOption(args["servekit-option"]);

process.once("SIGINT", () => {
  process.stdout.write("\ninterrupted; stopping the servers\n");
  void stopAll().finally(() => process.exit(130));
});

const concurrency = 64;
const settings = {
  rounds,
  seconds,
  concurrency,
  onMeasurement: (
    r: number,
    name: string,
    m: { reqPerSec: number; p50Ms: number; errors: number },
  ) =>
    process.stdout.write(
      `round ${r + 1} ${name.padEnd(16)} ${round(m.reqPerSec)} req/s, p50 ${round(m.p50Ms, 2)} ms, ${m.errors} errors\n`,
    ),
};
const benches: Record<string, BenchResult> = {};
try {
  await ensurePythonPeers();
  if (args.only !== "linear") {
    benches.echo = await echoBench(settings);
    process.stdout.write(
      formatBench(
        `echo, concurrency ${concurrency}, ${rounds} rounds × ${seconds} s`,
        benches.echo,
      ),
    );
  }
  if (args.only !== "echo") {
    benches.linear = await linearBench(settings, servekitOption);
    process.stdout.write(
      formatBench(
        `linear, concurrency ${concurrency}, ${rounds} rounds × ${seconds} s`,
        benches.linear,
      ),
    );
  }
} catch (error) {
  await stopAll();
  throw error;
}
const file = writeResults(new URL("./results/", import.meta.url), {
  date: new Date().toISOString(),
  machine: {
    cores: availableParallelism(),
    cpu: cpus()[0]?.model,
    kernel: release(),
    node: process.version,
  },
  settings: {
    concurrency,
    rounds,
    seconds,
    warmUpSeconds: Math.min(2, seconds),
    only: args.only ?? "all",
  },
  versions: { debian: pythonPeerVersions(), node: peerNodeVersions() },
  benches,
});
process.stdout.write(`wrote ${file}\n`);
