import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";

export interface SpawnedServer {
  child: ChildProcess;
  url: string;
  /** Every JSON log line the server wrote so far. */
  logs: Record<string, unknown>[];
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/**
 * Starts `node <args>` and waits for its "serving" log line to learn the URL.
 *
 * @example
 * const server = await spawnServer(["--import", "tsx", "serve-fixture.ts"]);
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
    const timer = setTimeout(
      () => reject(new Error(`server did not start in ${timeoutMs} ms: ${stderr}`)),
      timeoutMs,
    );
    void exited.then((code) =>
      reject(new Error(`server exited with ${code} before listening: ${stderr}`)),
    );
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

/** Resolves once `${url}/health/ready` answers 200 (polling every 50 ms, up to 10 s). */
export async function waitReady(url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const res = await fetch(`${url}/health/ready`).catch(() => undefined);
    if (res?.status === 200) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} never became ready`);
}
