import { CliError } from "../cli-error.js";
import type { CommandResult, CommandRunner } from "./command-runner.js";
import type { PlannedStep } from "./planned-step.js";
import { commandLine } from "./shell-quote.js";

/**
 * Runs one planned step, logging its description, command line and output;
 * a non-zero exit is a {@link CliError} that quotes the command and the
 * last lines of what it printed.
 *
 * @example
 * for (const step of planCloudRunDelete(options)) await runStep(runner, step, log);
 */
export async function runStep(
  runner: CommandRunner,
  step: PlannedStep,
  log: (line: string) => void,
): Promise<CommandResult> {
  log(`→ ${step.description}`);
  log(`  $ ${commandLine(step.argv)}`);
  // What a step reads (JSON, a URL, a token) is for the deploy, not the user; hidden output may hold secrets.
  const shown = !step.reads && !step.hideOutput;
  const onOutput = shown ? (line: string) => log(`    ${line}`) : undefined;
  const result = await runner.run(step.argv, { onOutput });
  if (result.code !== 0)
    throw new CliError(
      `step "${step.description}" failed: \`${commandLine(step.argv)}\` exited ${result.code}:\n${tail(result.stderr || result.stdout)}`,
    );
  return result;
}

/**
 * The last lines of a command's output: where gcloud, heroku and docker put
 * the error.
 *
 * @example
 * tail("a\nb\nc", 2); // "…\nb\nc"
 */
export function tail(text: string, lines = 40): string {
  const all = text.trimEnd().split("\n");
  return (all.length > lines ? ["…", ...all.slice(-lines)] : all).join("\n") || "(no output)";
}
