// Bench 1, echo: servekit's validated echo predictor (serve() defaults) vs
// FastAPI + uvicorn (one worker; uvloop and httptools when installed) vs a
// bare Hono + zod app doing the same validation, and vs bare node:http + zod:
// not a peer anyone would ship, but the ceiling any Node server can reach on
// this machine, so the other ratios can be read against it.
import { spawnServer, stopServer } from "../spawn-server.js";
import { type BenchResult, benchResult } from "./bench-result.js";
import { track } from "./children.js";
import { here, logFile } from "./paths.js";
import { PYTHON } from "./python-peers.js";
import { startPythonServer } from "./python-server.js";
import { alternatingRounds, type Contender, type RoundsOptions } from "./rounds.js";
import { verifyEcho } from "./verify.js";

const UVICORN_ARGS = ["-m", "uvicorn", "fastapi_echo:app", "--workers", "1", "--host", "127.0.0.1"];

/** Settings shared by both benches. */
export type BenchSettings = Pick<
  RoundsOptions,
  "rounds" | "seconds" | "concurrency" | "onMeasurement"
>;

/**
 * Starts the three echo servers, checks they answer alike, measures them in
 * alternating rounds and stops them.
 *
 * @example
 * const echo = await echoBench({ rounds: 5, seconds: 5, concurrency: 64 });
 */
export async function echoBench(settings: BenchSettings): Promise<BenchResult> {
  const servekit = await spawnServer({
    script: `${here}echo-servekit.ts`,
    onSpawn: track,
    logFile: logFile("echo-servekit"),
  });
  const hono = await spawnServer({
    script: `${here}echo-hono.ts`,
    onSpawn: track,
    logFile: logFile("echo-hono"),
  });
  const nodeHttp = await spawnServer({
    script: `${here}echo-node-http.ts`,
    onSpawn: track,
    logFile: logFile("echo-node-http"),
  });
  const fastapi = await startPythonServer({
    command: PYTHON,
    args: (port) => [...UVICORN_ARGS, "--port", String(port)],
    cwd: here,
    onSpawn: track,
    logFile: logFile("echo-fastapi"),
  });
  try {
    const implementation = /\{"uvicorn": (\{[^}]*\})\}/.exec(fastapi.output())?.[1];
    const uvicorn = implementation ? (JSON.parse(implementation) as Record<string, string>) : {};
    process.stdout.write(
      `uvicorn runs on loop ${uvicorn.loop ?? "?"}, http ${uvicorn.http ?? "?"}\n`,
    );
    const contenders: Contender[] = [
      { name: "servekit", url: `${servekit.url}/predict` },
      { name: "fastapi", url: `${fastapi.url}/predict` },
      { name: "hono", url: `${hono.url}/predict` },
      { name: "node-http", url: `${nodeHttp.url}/predict` },
    ];
    await verifyEcho(contenders);
    const body = Buffer.from(JSON.stringify({ text: "hello" }));
    const perRound = await alternatingRounds({ ...settings, contenders, body });
    return benchResult(
      perRound,
      {
        servekit:
          'definePredictor echo (zod input/output), serve(echo, { port: 0, host: "127.0.0.1" }) defaults',
        fastapi: `${PYTHON} ${UVICORN_ARGS.join(" ")} (pydantic model, async def endpoint; --loop auto --http auto)`,
        hono: "Hono + @hono/node-server, zod safeParse, 422 with the issues",
        "node-http":
          "bare node:http + zod safeParse, 422 with the issues (the ceiling, not a peer)",
      },
      { uvicorn },
      "node-http",
    );
  } finally {
    await Promise.all(
      [servekit, hono, nodeHttp, fastapi].map((server) => stopServer(server.child)),
    );
  }
}
