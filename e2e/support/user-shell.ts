import { type ChildProcess, spawn } from "node:child_process";
import { type ChildOutput, collectOutput } from "@servekit/test-kit";

/** The environment a user's shell would have: none of the variables pnpm or npm set for this test run. */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(npm|pnpm)_/i.test(key)),
  );
  return {
    ...env,
    npm_config_audit: "false",
    npm_config_fund: "false",
    npm_config_update_notifier: "false",
    ...extra,
  };
}

/** What a command printed, and its exit code. */
export type CommandResult = ChildOutput;

/** Runs a command as a user would type it in `cwd`; resolves with its output whatever its exit code. */
export function runCommand(
  command: string,
  args: string[],
  options: { cwd: string; env?: Record<string, string>; timeoutMs?: number },
): Promise<CommandResult> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: userEnv(options.env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  return collectOutput(child, options.timeoutMs ?? 300_000);
}

/** Like {@link runCommand}, but fails with the command's output when it exits non-zero. */
export async function mustRun(
  command: string,
  args: string[],
  options: { cwd: string; env?: Record<string, string>; timeoutMs?: number },
): Promise<string> {
  const result = await runCommand(command, args, options);
  if (result.code !== 0) {
    throw new Error(
      `\`${command} ${args.join(" ")}\` exited ${result.code} in ${options.cwd}\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result.stdout;
}

/** A server started with `serve-cli run`, once it printed its banner and `ready`. */
export interface StartedServer {
  url: string;
  child: ChildProcess;
  /**
   * Ctrl-C: SIGINT to the whole process group (npx or pnpm exec and the
   * server below it, as a terminal sends it); resolves with everything the
   * server printed once it has exited.
   */
  stop(): Promise<string>;
}

/** Starts `command args` (a `serve-cli run`) and waits for its banner's URL and its `ready` line. */
export function startServer(
  command: string,
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<StartedServer> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: userEnv(options.env),
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  const exited = new Promise<number | null>((resolve) => child.once("close", resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, "SIGINT");
    await exited;
    return output;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`no ready server within 120 s:\n${output}`));
    }, 120_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      const url = /API\s+(http:\/\/\S+)\/predict/.exec(output)?.[1];
      if (url && /^ready: /m.test(output)) {
        clearTimeout(timer);
        resolve({ url, child, stop });
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code} before it was ready:\n${output}`));
    });
  });
}
