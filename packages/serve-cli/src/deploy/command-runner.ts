import { spawn } from "node:child_process";
import { constants } from "node:os";
import { CliError } from "../cli-error.js";

/** How a command ended, and everything it printed. */
export interface CommandResult {
  /** Exit code; a command killed by a signal reports 128 + the signal's number, or 1. */
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunCommandOptions {
  /** Called with each line the command prints, on stdout or stderr, as it prints it. */
  onOutput?: (line: string) => void;
}

/** Runs programs: one small interface so deploy logic can be tested with a fake. */
export interface CommandRunner {
  /** Runs `argv` (no shell); resolves whatever the exit code, rejects only if it cannot start. */
  run(argv: readonly string[], options?: RunCommandOptions): Promise<CommandResult>;
}

export interface CommandRunnerOptions {
  /** Environment of the commands. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Working directory of the commands. @default process.cwd() */
  cwd?: string;
}

const INSTALL_HINTS: Record<string, string> = {
  gcloud:
    "install the Google Cloud CLI (https://cloud.google.com/sdk/docs/install), then run `gcloud auth login`",
  docker: "install Docker, Podman or Buildah, or pick one that is installed with --builder",
  podman: "install Podman, or pick another tool with --builder",
  buildah: "install Buildah, or pick another tool with --builder",
  heroku:
    "install the Heroku CLI (https://devcenter.heroku.com/articles/heroku-cli), then run `heroku login`",
};

/**
 * The real {@link CommandRunner}: `child_process.spawn` without a shell.
 * A program missing from PATH is a CliError (exit 1) with a hint on installing it.
 *
 * @example
 * const { code, stdout } = await createCommandRunner().run(["gcloud", "config", "list", "--format=json"]);
 */
export function createCommandRunner(options: CommandRunnerOptions = {}): CommandRunner {
  return {
    run(argv, runOptions = {}) {
      const [program, ...args] = argv;
      if (program === undefined) throw new TypeError("run() needs a program to run, got []");
      return new Promise((resolve, reject) => {
        const child = spawn(program, args, {
          env: options.env ?? process.env,
          cwd: options.cwd,
          stdio: ["ignore", "pipe", "pipe"],
        });
        const stdout = collectLines(child.stdout, runOptions.onOutput);
        const stderr = collectLines(child.stderr, runOptions.onOutput);
        child.once("error", (error: NodeJS.ErrnoException) => {
          if (error.code !== "ENOENT") return reject(error);
          const hint = INSTALL_HINTS[program] ?? "install it or put it on PATH";
          reject(
            new CliError(`\`${program}\` was not found on PATH: ${hint}`, 1, { cause: error }),
          );
        });
        child.once("close", (code, signal) => {
          resolve({
            code: code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : 1),
            stdout: stdout.text(),
            stderr: stderr.text(),
          });
        });
      });
    },
  };
}

/** Collects a stream's text and hands each complete line to `onLine`. */
function collectLines(
  stream: NodeJS.ReadableStream,
  onLine: ((line: string) => void) | undefined,
): { text(): string } {
  let text = "";
  let partial = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    text += chunk;
    if (!onLine) return;
    const lines = (partial + chunk).split(/\r\n|\r|\n/);
    partial = lines.pop() ?? "";
    for (const line of lines) onLine(line);
  });
  stream.on("end", () => {
    if (onLine && partial) onLine(partial);
    partial = "";
  });
  return { text: () => text };
}
