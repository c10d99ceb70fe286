#!/usr/bin/env node
// serve-cli's entry: the only place that decides the process's exit code.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CommanderError } from "commander";
import { register } from "tsx/esm/api";
import { CliError } from "./cli-error.js";
import { createProgram } from "./program.js";

// TypeScript predictors and configs load without a build step; worker
// threads find the same tsx through this variable.
register();
process.env.SERVEKIT_TSX_API ??= fileURLToPath(import.meta.resolve("tsx/esm/api"));

const { version } = JSON.parse(
  readFileSync(new URL("../package.json", import.meta.url), "utf8"),
) as {
  version: string;
};
const debug = process.argv.includes("--debug");

try {
  await createProgram(version).parseAsync(process.argv);
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
  const typed =
    error instanceof TypeError && /is invalid:|invalid serve options/.test(error.message);
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  if (debug && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  else if (!typed) process.stderr.write("(run with --debug for the stack trace)\n");
  return typed ? 2 : 1;
}
