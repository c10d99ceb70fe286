import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { connect } from "node:net";
import { delimiter, join } from "node:path";
import { freePort } from "./free-port.js";

/** A throwaway `redis-server` started by {@link startRedis}. */
export interface RedisServer {
  /** e.g. "redis://127.0.0.1:41234" */
  url: string;
  port: number;
  /** Its process id (stop() ends this process only). */
  pid: number;
  /** Stops it (SIGTERM, SIGKILL after 2 s); resolves once it has exited. */
  stop(): Promise<void>;
}

/**
 * Where `redis-server` is: `$REDIS_SERVER` when set (and nothing else), else
 * the first on PATH or in /usr/bin, /usr/sbin; undefined when there is none.
 */
export function findRedisServer(): string | undefined {
  const given = process.env.REDIS_SERVER;
  const dirs = [...(process.env.PATH ?? "").split(delimiter), "/usr/bin", "/usr/sbin"];
  const candidates = given ? [given] : dirs.filter(Boolean).map((dir) => join(dir, "redis-server"));
  return candidates.find((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Why Redis tests cannot run here, or undefined when they can: pass it to
 * `describe.skipIf`. Where `CI=true` a missing `redis-server` is a failure,
 * not a skip, so CI cannot pass by skipping the stream tests.
 *
 * @example
 * const redisMissing = redisMissingReason();
 * describe.skipIf(redisMissing)("the stream consumer", () => { ... });
 */
export function redisMissingReason(): string | undefined {
  if (findRedisServer()) return undefined;
  const missing =
    "redis-server is not installed (Debian: apt-get install redis-server, or set REDIS_SERVER)";
  if (process.env.CI === "true")
    throw new Error(`${missing}, and CI=true requires the Redis tests`);
  const why = `${missing}: skipping the Redis tests`;
  process.stderr.write(`${why}\n`);
  return why;
}

/**
 * Starts Debian's `redis-server` on a free loopback port with no persistence
 * (nothing written to disk) and resolves once it answers PING. Stop it with
 * `stop()` (by its PID) in an `afterAll`.
 *
 * @example
 * const redis = await startRedis();
 * // … createClient({ url: redis.url }) …
 * await redis.stop();
 */
export async function startRedis(timeoutMs = 10_000): Promise<RedisServer> {
  const binary = findRedisServer();
  if (!binary) throw new Error(redisMissingReason() ?? "redis-server is not installed");
  let lastError: unknown;
  // Another process may take the free port before redis-server binds it: try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      return await startOn(binary, port, timeoutMs);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

async function startOn(binary: string, port: number, timeoutMs: number): Promise<RedisServer> {
  const child = spawn(
    binary,
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--daemonize",
      "no",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk).slice(-4_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const deadline = Date.now() + timeoutMs;
  while (!(await answersPing(port))) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`redis-server on port ${port} exited before answering PING:\n${output}`);
    if (Date.now() > deadline) {
      await stopChild(child, exited);
      throw new Error(`redis-server on port ${port} did not answer PING in ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    stop: () => stopChild(child, exited),
  };
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const killer = setTimeout(() => child.kill("SIGKILL"), 2_000);
  await exited;
  clearTimeout(killer);
}

/** Whether a Redis server on `port` answers PING with PONG (a raw RESP exchange: no client needed). */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    let reply = "";
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk) => {
      reply += chunk;
      if (reply.includes("\r\n")) done(reply.startsWith("+PONG"));
    });
  });
}
