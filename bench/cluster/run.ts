// Several HTTP processes (`processes`): throughput at concurrency 16 with 1
// and 2 processes, side by side in one run, for a predictor whose cost is
// request decoding (base64 JSON of a 476 KiB JPEG; predict returns its size).
// The server runs in its own process tree so the load generator does not
// share its event loop.
//
//   pnpm --filter @servekit/bench cluster [--seconds 8]
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { sharedPath } from "@servekit/test-kit";
import { closedLoop } from "../closed-loop.js";
import { spawnServer } from "../spawn-server.js";
import { round } from "../stats.js";

const { values: args } = parseArgs({ options: { seconds: { type: "string", default: "8" } } });
const seconds = Number(args.seconds);
const concurrency = 16;
const imagePath = process.env.BENCH_IMAGE ?? sharedPath("images", "bus.jpg");
const body = Buffer.from(JSON.stringify({ image: readFileSync(imagePath).toString("base64") }));
const serverScript = fileURLToPath(new URL("./server.ts", import.meta.url));

/** Starts server.ts with `processes` and resolves with its URL once every process is ready. */
async function startServer(processes: number) {
  return spawnServer({
    script: serverScript,
    env: { ...process.env, PROCESSES: String(processes), LOG_LEVEL: "info" },
    // The URL line comes before the processes are ready: wait for each one's log line too.
    readyUrl: (output) => {
      const found = /"url":"([^"]+)"/.exec(output);
      const ready = (output.match(/"msg":"(process ready|predictor ready)"/g) ?? []).length;
      return found && ready >= processes ? found[1]! : undefined;
    },
  });
}

async function measure(processes: number) {
  const { child, url } = await startServer(processes);
  const result = await closedLoop({ url: `${url}/predict`, body, concurrency, seconds });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
  return result;
}

const one = await measure(1);
const two = await measure(2);
console.log(
  [
    `Several HTTP processes, decode-bound echo (${round(body.length / 1024)} KiB JSON body: base64 JPEG, image header read), workers 0, concurrency ${concurrency}, ${availableParallelism()} cores (load generator on the same machine), ${seconds} s each, ${new Date().toISOString().slice(0, 10)}:`,
    "",
    "| processes | req/s | p50 | errors |",
    "|---|---|---|---|",
    `| 1 | ${one.reqPerSec} | ${one.p50Ms} ms | ${one.errors} |`,
    `| 2 | ${two.reqPerSec} | ${two.p50Ms} ms | ${two.errors} |`,
    "",
    `Gain: **${round(two.reqPerSec / one.reqPerSec, 2)}×**.`,
  ].join("\n"),
);
