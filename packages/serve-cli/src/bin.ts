#!/usr/bin/env node
// serve-cli's entry: the only place that decides the process's exit code.
import { readFileSync } from "node:fs";
import { CommanderError } from "commander";
import { CliError, isConfigError } from "./cli-error.js";
import { useCompiledBuilds } from "./compile/compiled-build.js";
import { registerTsx } from "./compile/register-tsx.js";
import { createProgram } from "./program.js";

const LOADS_COMPILED_BUILD = new Set(["run", "predict", "batch", "consume"]);

const { version } = JSON.parse(
  readFileSync(new URL("../package.json", import.meta.url), "utf8"),
) as {
  version: string;
};
const debug = process.argv.includes("--debug");

// `pnpm serve-cli …` (the workspace root's script) runs in the workspace root,
// even as `pnpm -w serve-cli` from a project folder: paths the user typed
// (the target, -o) are relative to where they typed them.
if (process.env.npm_lifecycle_event === "serve-cli" && process.env.INIT_CWD) {
  process.chdir(process.env.INIT_CWD);
}

try {
  const program = await createProgram(version, process.argv);
  // TypeScript predictors and configs load without a build step; worker
  // threads find the same tsx through SERVEKIT_TSX_API. Only commands pay for
  // it: --version and --help never load a predictor. Commands that can run a
  // project's compiled build (`serve-cli compile`) register tsx themselves,
  // only when they import a source.
  program.hook("preAction", async (_program, command) => {
    if (LOADS_COMPILED_BUILD.has(command.name())) useCompiledBuilds();
    else await registerTsx();
  });
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = exitCodeFor(error);
}

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    // --help and --version "fail" with exit code 0; commander printed the message already.
    return error.exitCode === 0 ? 0 : 2;
  }
  if (error instanceof CliError) {
    process.stderr.write(`error: ${error.message}\n`);
    if (debug && error.cause)
      process.stderr.write(`${(error.cause as Error).stack ?? error.cause}\n`);
    return error.exitCode;
  }
  if (isConfigError(error)) {
    // Invalid options or serve.config.ts: a usage error, every problem listed, no stack.
    process.stderr.write(`error: ${error.message}\n`);
    return 2;
  }
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  if (debug && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  else process.stderr.write("(run with --debug for the stack trace)\n");
  return 1;
}
