// Starts a Python peer (uvicorn, gunicorn) on a free 127.0.0.1 port and waits
// until it answers HTTP; stopping it is stopServer(child) (SIGTERM to the PID
// spawned, which for gunicorn is its master).
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/** A Python server started by {@link startPythonServer}. */
export interface PythonServer {
  child: ChildProcess;
  url: string;
  /** What it has written to stdout and stderr so far (its log file). */
  output: () => string;
}

/** Options of {@link startPythonServer}. */
export interface PythonServerOptions {
  /** The executable, e.g. "/usr/bin/python3" or the gunicorn path. */
  command: string;
  /** Its arguments, given the port to listen on. */
  args: (port: number) => string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Where its stdout and stderr go: a file, not a pipe, so its logs under load cost the bench nothing. */
  logFile: string;
  /** Called with the child as soon as it is spawned, e.g. to stop it on Ctrl-C before it answers. */
  onSpawn?: (child: ChildProcess) => void;
  /** Seconds to wait for the first answer. @default 60 */
  timeoutS?: number;
}

/** A port that was free a moment ago on 127.0.0.1. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * Spawns a Python server on a free port and resolves once any HTTP answer
 * comes back from it; rejects with its output if it exits or stays silent.
 *
 * @example
 * const server = await startPythonServer({ command: PYTHON, args: (port) => ["-m", "uvicorn", "app:app", "--port", String(port)], cwd, logFile });
 */
export async function startPythonServer(options: PythonServerOptions): Promise<PythonServer> {
  const port = await freePort();
  const fd = openSync(options.logFile, "w");
  const child = spawn(options.command, options.args(port), {
    cwd: options.cwd,
    env: { ...process.env, ...options.env, PYTHONUNBUFFERED: "1" },
    stdio: ["ignore", fd, fd],
  });
  closeSync(fd);
  options.onSpawn?.(child);
  const output = () => readFileSync(options.logFile, "utf8");
  const url = `http://127.0.0.1:${port}`;
  const deadline = performance.now() + (options.timeoutS ?? 60) * 1000;
  const command = `${options.command} ${options.args(port).join(" ")}`;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${command} exited with ${child.exitCode ?? child.signalCode}:\n${output()}`);
    }
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) });
      return { child, url, output };
    } catch {
      if (performance.now() > deadline) {
        child.kill("SIGTERM");
        throw new Error(
          `${command} did not answer on ${url} in ${options.timeoutS ?? 60} s:\n${output()}`,
        );
      }
      await sleep(100);
    }
  }
}
