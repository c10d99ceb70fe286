import { relative } from "node:path";
import { isWeightsError, writeWeightsLock } from "@servekit/core";
import type { Command } from "commander";
import { CliError } from "../cli-error.js";
import { printJson } from "../print-json.js";
import { downloadProgressReporter } from "../weights/download-progress.js";
import { planWeightsLocks } from "../weights/lock-plan.js";
import { pullSummary, pullWeights } from "../weights/pull-weights.js";
import {
  loadTargetWeights,
  noWeightsMessage,
  type PredictorWeights,
  withDeclaredWeights,
} from "../weights/target-weights.js";
import { verifyTable, verifyWeights } from "../weights/verify-weights.js";
import { weightsStatus, weightsStatusTable } from "../weights/weights-status.js";

const TARGET_HELP = "predictor file, file:export, or directory with serve.config.ts";

/** The entries that declare weights; says so on stderr for those that declare none. */
function announce(entries: readonly PredictorWeights[]): PredictorWeights[] {
  const declared = withDeclaredWeights(entries);
  if (declared.length === 0) {
    process.stderr.write(`${noWeightsMessage(entries)}\n`);
    return declared;
  }
  for (const entry of entries) {
    if (!declared.includes(entry)) process.stderr.write(`${entry.key}: no weights declared\n`);
  }
  return declared;
}

/** The target's predictors that declare weights; undefined (said on stderr) when none does. */
async function declaring(target: string): Promise<PredictorWeights[] | undefined> {
  const declared = announce(await loadTargetWeights({ target }));
  return declared.length > 0 ? declared : undefined;
}

function shown(path: string): string {
  return relative(process.cwd(), path) || path;
}

async function pullAction(target: string): Promise<void> {
  const entries = await declaring(target);
  if (!entries) return;
  const reporter = downloadProgressReporter();
  const results = await pullWeights(entries, { onProgress: (p) => reporter.update(p) });
  reporter.stop();
  process.stderr.write(`${pullSummary(results)}\n`);
  const failed = results.filter((r) => r.outcome === "failed");
  if (failed.length > 0) {
    throw new CliError(
      `${failed.length} weights file(s) could not be pulled (see above); fix what each says, then run serve-cli weights pull again`,
    );
  }
}

async function statusAction(target: string, flags: { json?: boolean; check?: boolean }) {
  const entries = await declaring(target);
  if (!entries) {
    if (flags.json) printJson([]);
    return;
  }
  const rows = await weightsStatus(entries);
  if (flags.json) printJson(rows);
  else process.stdout.write(`${weightsStatusTable(rows)}\n`);
  const missing = rows.filter((row) => row.source === "missing");
  if (flags.check && missing.length > 0) {
    throw new CliError(
      `${missing.length} declared weights file(s) missing (${missing.map((r) => r.file).join(", ")}): run serve-cli weights pull ${target}`,
    );
  }
}

async function verifyAction(target: string, flags: { json?: boolean }) {
  const entries = await declaring(target);
  if (!entries) {
    if (flags.json) printJson([]);
    return;
  }
  const rows = await verifyWeights(entries);
  if (flags.json) printJson(rows);
  else process.stdout.write(`${verifyTable(rows)}\n`);
  const bad = rows.filter((row) => !row.ok);
  if (bad.length > 0) {
    const missing = bad.filter((row) => row.source === "missing").length;
    throw new CliError(
      `${bad.length - missing} mismatched and ${missing} missing weights file(s): ` +
        "replace or delete each MISMATCH copy as its line says, and run serve-cli weights pull for the missing ones",
    );
  }
}

async function lockAction(target: string, flags: { check?: boolean }) {
  const entries = await loadTargetWeights({ target });
  const declared = announce(entries);
  const reporter = downloadProgressReporter();
  const plans = await planWeightsLocks(entries, { onProgress: (p) => reporter.update(p) });
  reporter.stop();
  const stale = plans.filter((plan) => plan.changes.length > 0);
  for (const plan of plans) {
    const file = shown(plan.file);
    if (plan.changes.length === 0) {
      if (declared.length > 0) process.stdout.write(`${file} is up to date\n`);
      continue;
    }
    if (!flags.check) writeWeightsLock(plan.projectRoot, plan.after);
    const verb = flags.check ? "is out of date" : plan.before ? "updated" : "written";
    process.stdout.write(`${file} ${verb}:\n${plan.changes.map((c) => `  ${c}`).join("\n")}\n`);
  }
  if (flags.check && stale.length > 0) {
    throw new CliError(
      `${stale.map((plan) => shown(plan.file)).join(", ")} ${stale.length === 1 ? "does" : "do"} not match the declared weights: run serve-cli weights lock ${target} and commit the result`,
    );
  }
}

/**
 * A WeightsError (a local copy of the wrong size, a malformed weights.lock)
 * says what to do already: one line, exit 1, no stack hint.
 */
function reported<A extends unknown[]>(action: (...args: A) => Promise<void>) {
  return async (...args: A): Promise<void> => {
    try {
      await action(...args);
    } catch (error) {
      if (isWeightsError(error)) throw new CliError(error.message, 1, { cause: error });
      throw error;
    }
  };
}

/** `serve-cli weights pull | status | verify | lock`. */
export function registerWeightsCommand(program: Command): void {
  const weights = program
    .command("weights")
    .description("Pull, inspect, verify and lock the weight files predictors declare")
    .addHelpText(
      "after",
      `
Files are looked for in SERVEKIT_WEIGHTS_DIR (or the weightsDir option), the
project's weights/ folder, then the cache (SERVEKIT_CACHE_DIR); SERVEKIT_OFFLINE=1
never downloads. docs/weights.md

Examples:
  $ serve-cli weights pull examples/yolov5
  $ serve-cli weights status --json
  $ serve-cli weights verify
  $ serve-cli weights lock --check      # in CI: fails when weights.lock is stale`,
    );
  weights
    .command("pull")
    .description("Download every declared file that is not local yet into the cache")
    .argument("[target]", TARGET_HELP, ".")
    .action(reported(pullAction));
  weights
    .command("status")
    .description("Show where each declared file is: override, project, cache or missing")
    .argument("[target]", TARGET_HELP, ".")
    .option("--json", "print the rows as JSON")
    .option("--check", "exit 1 when a file is missing")
    .action(reported(statusAction));
  weights
    .command("verify")
    .description("Hash every local copy against the declared sha256 and size")
    .argument("[target]", TARGET_HELP, ".")
    .option("--json", "print the rows as JSON")
    .action(reported(verifyAction));
  weights
    .command("lock")
    .description("Write weights.lock (url, sha256, size of each file) in the project root")
    .argument("[target]", TARGET_HELP, ".")
    .option("--check", "write nothing; exit 1 when weights.lock is out of date")
    .action(reported(lockAction));
  for (const command of weights.commands)
    command.exitOverride().showHelpAfterError("(add --help for usage)");
}
