import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";

/** A server process started by {@link spawnServer}. */
export interface SpawnedServer {
  child: ChildProcess;
  /** The URL from its "serving" log line, e.g. "http://127.0.0.1:41234". */
  url: string;
  /** Every JSON log line the server wrote so far (it keeps growing). */
  logs: Record<string, unknown>[];
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/**
 * Starts `node <args>` with `env` added to this process's environment, and
 * resolves once the server logs its JSON "serving …" line with its URL.
 * Rejects, with what the server wrote on stderr, when it exits first or when
 * `timeoutMs` passes (then it is killed). It is listening then, not necessarily ready: follow it
 * with {@link waitForReady} where setup matters.
 *
 * @example
 * const server = await spawnServer(["--import", "tsx", "serve-fixture.ts"], { WORKERS: "1" });
 * await waitForReady(server.url, { child: server.child });
 */
export function spawnServer(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 20_000,
): Promise<SpawnedServer> {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: Record<string, unknown>[] = [];
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    // A server that never said where it listens is of no use: stop it rather than leave it running.
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`server did not start in ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening: ${stderr}`));
    });
    createInterface({ input: child.stdout! }).on("line", (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line);
      } catch {
        return;
      }
      logs.push(entry);
      if (typeof entry.url === "string" && String(entry.msg).startsWith("serving")) {
        clearTimeout(timer);
        resolve({ child, url: entry.url, logs, exited });
      }
    });
  });
}
