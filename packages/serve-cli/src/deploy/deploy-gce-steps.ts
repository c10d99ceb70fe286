import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CliError } from "../cli-error.js";
import { type CommandRunner, createCommandRunner } from "./command-runner.js";
import { tail } from "./run-step.js";
import { commandLine } from "./shell-quote.js";

/** The runner of the gcloud deploys (GCE, Cloud Run): gcloud never waits for an answer on stdin. */
export function defaultGcloudRunner(): CommandRunner {
  return createCommandRunner({ env: { ...process.env, CLOUDSDK_CORE_DISABLE_PROMPTS: "1" } });
}

/**
 * Exit 0 → exists; "not found" (Compute Engine) or "Cannot find" (Cloud Run)
 * → absent; anything else (no login, API disabled) is an error.
 */
export async function exists(
  runner: CommandRunner,
  argv: string[],
  what: string,
): Promise<boolean> {
  return (await describeJson(runner, argv, what)) !== undefined;
}

/** A `describe`'s JSON (as text), or undefined when gcloud says it was not found. */
export async function describeJson(
  runner: CommandRunner,
  argv: string[],
  what: string,
): Promise<string | undefined> {
  const result = await runner.run(argv);
  if (result.code === 0) return result.stdout;
  if (/cannot find|not (be )?found|\b404\b/i.test(result.stderr)) return undefined;
  throw new CliError(
    `could not check whether ${what} exists: \`${commandLine(argv)}\` exited ${result.code}:\n${tail(result.stderr || result.stdout)}`,
  );
}

/** Parses a gcloud `--format=json` answer, or says which command printed something else. */
export function parseGcloudJson<T>(text: string, command: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new CliError(`\`${command}\` printed something other than JSON: ${tail(text, 5)}`, 1, {
      cause: error,
    });
  }
}

/**
 * Writes the cloud-init user-data to a private temporary file for
 * `--metadata-from-file`, runs `use` with its path, and removes it after.
 */
export async function withUserDataFile<T>(
  name: string,
  userData: string,
  use: (path: string) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "servekit-gce-"));
  try {
    const path = join(dir, `${name}.user-data.yaml`);
    await writeFile(path, userData, { mode: 0o600 });
    return await use(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The lines a dry-run script shows to write the user-data file its commands
 * read: a quoted here-document, so the shell expands nothing inside.
 */
export function userDataHeredoc(path: string, userData: string): string {
  return [
    `# Write the cloud-init user-data that runs the container (read by --metadata-from-file)`,
    `cat > ${path} <<'SERVEKIT_USER_DATA'`,
    userData.trimEnd(),
    "SERVEKIT_USER_DATA",
  ].join("\n");
}

/** A dry-run script with the user-data here-document before its first command. */
export function withHeredoc(script: string, heredoc: string): string {
  const at = script.indexOf("\n\n");
  return at < 0
    ? `${script}\n${heredoc}\n`
    : `${script.slice(0, at)}\n\n${heredoc}${script.slice(at)}`;
}
