import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";

/** Options of {@link spawnServer}. */
export interface SpawnServerOptions {
  /** The server script, run as `node --import tsx <script>`. */
  script: string;
  /** The child's whole environment. @default process.env */
  env?: NodeJS.ProcessEnv;
  /**
   * Given everything the child wrote to stdout so far, returns its URL once
   * it is ready, else undefined. By default, the URL of the first
   * `{"url":"…"}` line.
   */
  readyUrl?: (output: string) => string | undefined;
  /**
   * Write the child's stdout to this file (truncated) instead of a pipe, so
   * that request logs under load cost the benchmark's own process nothing.
   * By default stdout is piped and only read until the server is ready.
   */
  logFile?: string;
  /** Called with the child as soon as it is spawned, e.g. to stop it on Ctrl-C before it is ready. */
  onSpawn?: (child: ChildProcess) => void;
}

/** A server started by {@link spawnServer}. */
export interface SpawnedServer {
  child: ChildProcess;
  url: string;
}

const URL_LINE = /\{"url":"([^"]+)"\}/;

/**
 * Starts a server script in its own process (stderr passed through) and
 * resolves with its URL once `readyUrl` finds it in the child's stdout;
 * rejects with that output if the child exits first.
 *
 * @example
 * const { child, url } = await spawnServer({ script: fileURLToPath(new URL("./server.ts", import.meta.url)) });
 * // … load `${url}/predict` …
 * await stopServer(child);
 */
export async function spawnServer(options: SpawnServerOptions): Promise<SpawnedServer> {
  const readyUrl = options.readyUrl ?? ((output: string) => URL_LINE.exec(output)?.[1]);
  const fd = options.logFile === undefined ? undefined : openSync(options.logFile, "w");
  const child = spawn(process.execPath, ["--import", "tsx", options.script], {
    env: options.env ?? process.env,
    stdio: ["ignore", fd ?? "pipe", "inherit"],
  });
  if (fd !== undefined) closeSync(fd);
  options.onSpawn?.(child);
  let piped = "";
  const onData = (chunk: Buffer) => {
    piped += chunk;
  };
  child.stdout?.on("data", onData);
  const output = () =>
    options.logFile === undefined ? piped : readFileSync(options.logFile, "utf8");
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const found = readyUrl(output());
      if (found !== undefined) {
        clearInterval(timer);
        resolve(found);
      }
    }, 50);
    child.once("exit", (code) => {
      clearInterval(timer);
      reject(new Error(`server exited with ${code}: ${output()}`));
    });
  });
  // Keep draining the pipe (a full one would block the server) without keeping what it says.
  child.stdout?.off("data", onData).resume();
  return { child, url };
}

/**
 * Sends a child SIGTERM and resolves once it has exited (at once if it
 * already has).
 *
 * @example
 * await stopServer(server.child);
 */
export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}
