import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type ChildOutput, collectOutput } from "@servekit/test-kit";

export const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
export const FIXTURES = fileURLToPath(new URL("./fixtures", import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL("../../..", import.meta.url));

/** What the CLI printed, and its exit code. */
export type CliResult = ChildOutput;

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
  return collectOutput(child, options.timeoutMs ?? 60_000);
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
  const result = collectOutput(child, 120_000);
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
