import type { PlannedStep } from "./planned-step.js";
import { commandLine } from "./shell-quote.js";

/** What a dry run shows: the assumptions it made in place of checks, the steps, and what follows them. */
export interface DryRunScriptParts {
  /** Facts a real run would check first, stated as assumptions. */
  assumptions: string[];
  steps: readonly Pick<PlannedStep, "description" | "argv">[];
  /** Work after the last command that is no command itself (e.g. the readiness wait). */
  afterwards?: string;
}

/**
 * A plan as a shell script: `#` comments for the assumptions and each step's
 * description, then its command, shell-quoted, on one line.
 *
 * @example
 * process.stdout.write(dryRunScript({ assumptions: ["the VM does not exist yet"], steps }));
 */
export function dryRunScript(parts: DryRunScriptParts): string {
  const lines = ["# Dry run: nothing was run.", ...parts.assumptions.map((a) => `# ${a}`)];
  for (const step of parts.steps) lines.push("", `# ${step.description}`, commandLine(step.argv));
  if (parts.afterwards) lines.push("", `# ${parts.afterwards}`);
  return `${lines.join("\n")}\n`;
}
