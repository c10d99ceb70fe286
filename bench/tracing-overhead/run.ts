// What tracing costs: the same inline echo server with tracing off and on
// (OTLP/HTTP protobuf to a loopback sink that accepts and discards) and,
// with --before, served by another build of @servekit/core (one without
// tracing, to show that off costs nothing), all running at once, measured in
// rotating rounds at concurrency 64 so drift in the machine hits each alike.
// Reports req/s and p50 per round and the medians; writes results/latest.json.
//
//   pnpm --filter @servekit/bench tracing-overhead [--seconds 5] [--rounds 3] [--log-level warn]
//     [--before /path/to/old/packages/serve-core/dist/index.js]
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { closedLoop } from "../closed-loop.js";
import { spawnServer } from "../spawn-server.js";
import { median, round } from "../stats.js";

const { values: args } = parseArgs({
  options: {
    seconds: { type: "string", default: "5" },
    rounds: { type: "string", default: "3" },
    "log-level": { type: "string", default: "warn" },
    before: { type: "string" },
  },
});
const seconds = Number(args.seconds);
const rounds = Number(args.rounds);
const concurrency = 64;
const body = Buffer.from(JSON.stringify({ text: "hello" }));
const serverScript = fileURLToPath(new URL("./server.ts", import.meta.url));

/** Accepts OTLP exports and discards them, counting bytes: the collector costs nothing. */
async function startSink() {
  let exports = 0;
  const sink = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      exports++;
      res.writeHead(200, { "content-type": "application/x-protobuf" }).end();
    });
  });
  await new Promise<void>((resolve) => sink.listen(0, "127.0.0.1", resolve));
  const { port } = sink.address() as AddressInfo;
  return { sink, url: `http://127.0.0.1:${port}`, exports: () => exports };
}

/** Starts server.ts with `env` added; resolves with its URL once it is ready. */
async function startServer(env: Record<string, string>) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith("OTEL_")),
  );
  return spawnServer({
    script: serverScript,
    env: { ...clean, ...env, LOG_LEVEL: args["log-level"]! },
  });
}

const { sink, url: sinkUrl, exports } = await startSink();
type Mode = "off" | "on" | "before";
const servers: Partial<Record<Mode, Awaited<ReturnType<typeof startServer>>>> = {
  off: await startServer({}),
  on: await startServer({ OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl }),
  ...(args.before ? { before: await startServer({ BENCH_CORE: args.before }) } : {}),
};
const modes = Object.keys(servers) as Mode[];
const results: Record<Mode, { reqPerSec: number; p50Ms: number; errors: number }[]> = {
  off: [],
  on: [],
  before: [],
};
for (let round_ = 0; round_ < rounds; round_++) {
  // Rotate which goes first, so none always gets the cooler machine.
  const order = modes.map((_, i) => modes[(i + round_) % modes.length]!);
  for (const mode of order) {
    const result = await closedLoop({
      url: `${servers[mode]!.url}/predict`,
      body,
      concurrency,
      seconds,
    });
    results[mode].push(result);
    process.stdout.write(
      `round ${round_ + 1} tracing ${mode.padEnd(6)}: ${round(result.reqPerSec)} req/s, p50 ${round(result.p50Ms, 2)} ms, ${result.errors} errors\n`,
    );
  }
}
for (const { child } of Object.values(servers)) {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}
sink.close();

const summary = Object.fromEntries(
  modes.map((mode) => [
    mode,
    {
      reqPerSec: round(median(results[mode].map((r) => r.reqPerSec))),
      p50Ms: round(median(results[mode].map((r) => r.p50Ms)), 2),
      errors: results[mode].reduce((sum, r) => sum + r.errors, 0),
    },
  ]),
) as Record<Mode, { reqPerSec: number; p50Ms: number; errors: number }>;
const ratio = (mode: Mode) => round((summary[mode].reqPerSec / summary.off.reqPerSec) * 100);
const before = summary.before
  ? `; before tracing existed ${summary.before.reqPerSec} req/s p50 ${summary.before.p50Ms} ms (${ratio("before")}% of off)`
  : "";
process.stdout.write(
  `median: off ${summary.off.reqPerSec} req/s p50 ${summary.off.p50Ms} ms; on ${summary.on.reqPerSec} req/s p50 ${summary.on.p50Ms} ms (${ratio("on")}% of off)${before}; ${exports()} OTLP exports received\n`,
);
const resultsDir = fileURLToPath(new URL("./results/", import.meta.url));
mkdirSync(resultsDir, { recursive: true });
writeFileSync(
  `${resultsDir}latest.json`,
  `${JSON.stringify({ date: new Date().toISOString(), concurrency, seconds, rounds, logLevel: args["log-level"], perRound: results, summary, exportsReceived: exports() }, null, 2)}\n`,
);
