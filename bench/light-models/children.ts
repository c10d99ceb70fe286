// Every server process the bench started, so an error or Ctrl-C stops them
// all by PID instead of leaving them listening.
import type { ChildProcess } from "node:child_process";
import { stopServer } from "../spawn-server.js";

const running = new Set<ChildProcess>();

/**
 * Remembers a started server process until it exits; pass it as `onSpawn`.
 *
 * @example
 * const server = await spawnServer({ script, onSpawn: track });
 */
export function track(child: ChildProcess): void {
  running.add(child);
  child.once("exit", () => running.delete(child));
}

/**
 * SIGTERMs every tracked server still running and waits for each to exit.
 *
 * @example
 * process.once("SIGINT", () => void stopAll().then(() => process.exit(130)));
 */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((child) => stopServer(child)));
}
