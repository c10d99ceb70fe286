import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
export const FIXTURES = fileURLToPath(new URL("./fixtures", import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL("../../..", import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built serve-cli binary as a user would, and collects its output. */
export function runCli(
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<CliResult> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? FIXTURES,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return collect(child, options.timeoutMs ?? 60_000);
}

export function collect(child: ChildProcess, timeoutMs: number): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts `serve-cli run …` and resolves once it printed "ready", with its URL. */
export function startCli(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<{ child: ChildProcess; url: string; result: Promise<CliResult> }> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? FIXTURES,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const result = collect(child, 120_000);
  return new Promise((resolve, reject) => {
    let stderr = "";
    child.stderr?.on("data", (chunk) => {
      stderr += chunk;
      const url = /API\s+(http:\/\/\S+)\/predict/.exec(stderr)?.[1];
      if (url && stderr.includes("ready:")) resolve({ child, url, result });
    });
    void result.then((r) =>
      reject(new Error(`serve-cli exited ${r.code} before ready:\n${r.stderr}`)),
    );
  });
}
