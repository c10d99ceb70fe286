import type { ChildProcess } from "node:child_process";

/** What a finished child process printed, and how it ended. */
export interface ChildOutput {
  /** The exit code; null when a signal ended it (as after the timeout's SIGKILL). */
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Collects a spawned process's stdout and stderr (spawn it with `stdio: "pipe"`)
 * and resolves once it has closed, whatever its exit code. Past `timeoutMs` it
 * is killed with SIGKILL (the result then has `code: null`); rejects only when
 * the program could not be started.
 *
 * @example
 * const { code, stdout } = await collectOutput(spawn("node", ["--version"]), 10_000);
 */
export function collectOutput(child: ChildProcess, timeoutMs: number): Promise<ChildOutput> {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
