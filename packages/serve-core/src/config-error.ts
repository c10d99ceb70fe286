import type { z } from "zod";

/** One configuration mistake: where it is (`workerRestart.attempts`; "" for the whole) and what would be right. */
export interface ConfigProblem {
  /** Dotted field path, e.g. "port" or "webhookRetry.timeoutMs"; "" when the problem is not one field's. */
  path: string;
  /** What would be right (or what is wrong), without the field: "must be 0–65535". */
  message: string;
  /** The value found, as shown in messages ("70000", "\"verbose\""); absent when the message says it or must not (secrets). */
  received?: string;
}

/**
 * A problem as a sentence about the option named `label` (default the path
 * in backticks): "`port` must be 0–65535, got 70000", or for a flag
 * "--port must be 0–65535, got 70000".
 */
export function formatConfigProblem(
  problem: ConfigProblem,
  label = problem.path === "" ? "" : `\`${problem.path}\``,
): string {
  const got = problem.received === undefined ? "" : `, got ${problem.received}`;
  return `${label ? `${label} ` : ""}${problem.message}${got}`;
}

/**
 * Invalid server options or `serve.config.ts`: every problem at once, each
 * with its field path, saying what was wrong and what would be right. The
 * CLI reports it as a usage error (exit 2), without a stack.
 *
 * @example
 * try {
 *   resolveServeOptions({ port: 70_000 });
 * } catch (error) {
 *   if (error instanceof ConfigError) error.problems; // [{ path: "port", message: "must be 0–65535, got 70000" }]
 * }
 */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  /** Every problem found, in the order of the fields. */
  readonly problems: readonly ConfigProblem[];
  /** The config file the problems are in, when they come from one. */
  readonly source: string | undefined;

  /**
   * With `source` (a config file) the message reads "serve.config.ts is
   * invalid:" then "- `port`: got 70000; must be 0–65535" lines; without,
   * "invalid serve options:" then "- `port` must be 0–65535, got 70000".
   */
  constructor(problems: readonly ConfigProblem[], options: { source?: string } = {}) {
    const heading = options.source ? `${options.source} is invalid` : "invalid serve options";
    // A file's problems read like a linter's: where, what was found, what would be right.
    const lines = problems.map((problem) =>
      options.source && problem.path !== ""
        ? `- \`${problem.path}\`: ${problem.received === undefined ? "" : `got ${problem.received}; `}${problem.message}`
        : `- ${formatConfigProblem(problem)}`,
    );
    super(`${heading}:\n${lines.join("\n")}`);
    this.problems = problems;
    this.source = options.source;
  }
}

/** Whether `error` is a {@link ConfigError}, also one thrown by another copy of @servekit/core. */
export function isConfigError(error: unknown): error is ConfigError {
  return error instanceof ConfigError || (error instanceof Error && error.name === "ConfigError");
}

/**
 * The problems of a failed zod parse (run with `reportInput: true`, so that
 * each says what it found), one per field and message; an unknown
 * key becomes a problem at its own path, with the nearest known key when one
 * is close (a typo).
 */
export function configProblems(
  error: z.core.$ZodError,
  knownKeys: (path: PropertyKey[]) => readonly string[] = () => [],
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        const near = nearest(key, knownKeys(issue.path));
        problems.push({
          path: dotted([...issue.path, key]),
          message: `is not an option${near ? `; did you mean \`${near}\`?` : " (check its spelling)"}`,
        });
      }
      continue;
    }
    const problem: ConfigProblem = { path: dotted(issue.path), message: issue.message };
    // Custom rules say what they found themselves (or must not: API keys).
    if (issue.code !== "custom" && "input" in issue) problem.received = shown(issue.input);
    if (!problems.some((p) => p.path === problem.path && p.message === problem.message))
      problems.push(problem);
  }
  return problems;
}

/** A value as messages show it: text quoted, objects as (shortened) JSON. */
export function shown(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "object" && value !== null) return JSON.stringify(value).slice(0, 80);
  return String(value);
}

function dotted(path: PropertyKey[]): string {
  return path.map(String).join(".");
}

/** The known key within two edits of `key`, if any. */
function nearest(key: string, known: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance <= 2 && (best === undefined || distance < best.distance))
      best = { key: candidate, distance };
  }
  return best?.key;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = row;
  }
  return previous[b.length]!;
}
