import {
  configProblems,
  formatConfigProblem,
  type ServeOptions,
  serveOptionsSchema,
} from "@servekit/core";
import { usageError } from "./cli-error.js";

type OptionKey = keyof typeof serveOptionsSchema.shape & keyof ServeOptions;

/**
 * A commander parser for a flag (or environment variable) that sets the
 * server option `key`: the text is read as a number when it is one, then
 * checked by `serveOptionsSchema`'s rule for that option; a bad value is a
 * usage error in the schema's words, naming the flag.
 *
 * @example
 * program.option("-p, --port <port>", "port to listen on", optionFlag("port", "--port"));
 * // serve-cli run --port 70000 → error: --port must be 0–65535, got 70000 (exit 2)
 */
export function optionFlag<K extends OptionKey>(
  key: K,
  flag: string,
): (text: string) => NonNullable<ServeOptions[K]> {
  const field = serveOptionsSchema.shape[key];
  return (text) => {
    const value = /^-?\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : text;
    const result = field.safeParse(value, { reportInput: true });
    if (result.success) return result.data as NonNullable<ServeOptions[K]>;
    const problems = configProblems(result.error).map((problem) =>
      formatConfigProblem(problem, flag),
    );
    throw usageError(problems.join("\n"));
  };
}
