// One cold start of a server process: spawn, poll /health/ready, read its
// RSS at the first 200, stop it by PID. Its output goes to a buffer only.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { Agent, get } from "node:http";
import { createServer } from "node:net";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { postJson } from "../post-json.js";
import { type LogTimeline, parseLogTimeline } from "./log-timeline.js";

const POLL_EVERY_MS = 5;
const KILL_AFTER_MS = 10_000;

/** What to start: a command, its arguments, folder and its whole environment (PORT is added). */
export interface StartCommand {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /**
   * Predictions sent together the moment READY comes (one per worker): when
   * part of the warm-up runs after READY, the first requests wait for it.
   */
  firstPredictions?: { path: string; body: Buffer; count: number };
}

/** The result of one cold start. */
export interface StartRun {
  /** ms from just before spawn to the first 200 on /health/ready; undefined when it never came. */
  readyMs?: number;
  /** The server process's VmRSS at that moment, in MiB. */
  rssMiB?: number;
  /** ms from READY until the slowest of `firstPredictions` answered 200. */
  firstPredictionsMs?: number;
  timeline: LogTimeline;
  /** ms from SIGTERM to the process's exit. */
  stopMs?: number;
  /** What went wrong (no READY in time, early exit, needed kill -9); undefined when all went well. */
  failure?: string;
  /** The server's combined stdout/stderr, for the results file when it failed. */
  output: string;
}

/**
 * Starts `target` on a free port of 127.0.0.1 and measures its time to READY.
 *
 * @example
 * const run = await measureStart({ command: "node", args: ["src/main.ts"], cwd, env: process.env }, 60_000);
 */
export async function measureStart(
  target: StartCommand,
  readyTimeoutMs: number,
): Promise<StartRun> {
  const port = await freePort();
  const chunks: Buffer[] = [];
  const spawnedAtEpoch = Date.now();
  const spawnedAt = performance.now();
  const child = spawn(target.command, target.args, {
    cwd: target.cwd,
    env: { ...target.env, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
  child.stderr.on("data", (chunk: Buffer) => chunks.push(chunk));
  let exitCode: number | null | undefined;
  let spawnError: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      exitCode = code ?? (signal ? -1 : null);
      resolve();
    });
    child.once("error", (error) => {
      spawnError = error.message;
      exitCode = null;
      resolve();
    });
  });

  let readyMs: number | undefined;
  let rssMiB: number | undefined;
  let failure: string | undefined;
  while (exitCode === undefined) {
    if (await isReady(port)) {
      readyMs = performance.now() - spawnedAt;
      rssMiB = child.pid === undefined ? undefined : rssOf(child.pid);
      break;
    }
    if (performance.now() - spawnedAt > readyTimeoutMs) {
      failure = `no 200 on /health/ready within ${readyTimeoutMs} ms`;
      break;
    }
    await sleep(POLL_EVERY_MS);
  }
  let firstPredictionsMs: number | undefined;
  if (readyMs !== undefined && target.firstPredictions !== undefined) {
    const result = await firstPredictions(port, target.firstPredictions);
    if (typeof result === "number") firstPredictionsMs = result;
    else failure = result.failure;
  }
  if (exitCode !== undefined && readyMs === undefined) {
    failure = spawnError
      ? `could not start ${target.command}: ${spawnError}`
      : `the server exited (code ${exitCode}) before it was ready`;
  }
  const stopMs = await stop(child.pid, exited, () => exitCode !== undefined);
  if (stopMs === undefined)
    failure ??= `did not exit within ${KILL_AFTER_MS} ms of SIGTERM: killed with SIGKILL`;
  const output = Buffer.concat(chunks).toString("utf8");
  return {
    readyMs,
    rssMiB,
    firstPredictionsMs,
    timeline: parseLogTimeline(output, spawnedAtEpoch),
    stopMs,
    failure,
    output,
  };
}

/** Sends `count` predictions at once; the ms until the slowest answered, or why one failed. */
async function firstPredictions(
  port: number,
  { path, body, count }: NonNullable<StartCommand["firstPredictions"]>,
): Promise<number | { failure: string }> {
  const agent = new Agent({ keepAlive: false, maxSockets: count });
  const started = performance.now();
  try {
    const results = await Promise.all(
      Array.from({ length: count }, () =>
        postJson(agent, new URL(`http://127.0.0.1:${port}${path}`), body),
      ),
    );
    const failed = results.find((result) => result.status !== 200);
    if (failed) return { failure: `a first prediction got HTTP ${failed.status}` };
    return performance.now() - started;
  } catch (error) {
    return { failure: `a first prediction failed: ${(error as Error).message}` };
  } finally {
    agent.destroy();
  }
}

/** SIGTERM, then SIGKILL after KILL_AFTER_MS; the ms it took, or undefined when it had to be killed. */
async function stop(
  pid: number | undefined,
  exited: Promise<void>,
  hasExited: () => boolean,
): Promise<number | undefined> {
  if (pid === undefined || hasExited()) return 0;
  const started = performance.now();
  signal(pid, "SIGTERM");
  const inTime = await Promise.race([
    exited.then(() => true),
    sleep(KILL_AFTER_MS).then(() => false),
  ]);
  if (inTime) return performance.now() - started;
  signal(pid, "SIGKILL");
  await exited;
  return undefined;
}

/** Signals the server by PID; one that exited in the meantime (ESRCH) needs nothing more. */
function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

/** One GET on a fresh connection (no keep-alive), so no idle socket outlives the poll. */
function isReady(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const request = get(
      { host: "127.0.0.1", port, path: "/health/ready", agent: false, timeout: 1_000 },
      (response) => {
        response.resume();
        resolve(response.statusCode === 200);
      },
    );
    request.once("timeout", () => request.destroy());
    request.once("error", () => resolve(false));
  });
}

/** VmRSS from /proc/<pid>/status, in MiB (worker threads share the process). */
function rssOf(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
