/** Exit codes of serve-cli: 0 success, 1 runtime failure, 2 usage error. */
export type ExitCode = 0 | 1 | 2;

/**
 * An error the CLI reports as one readable line (no stack unless --debug),
 * exiting with `exitCode`.
 *
 * @example
 * throw new CliError("unknown input field `colour`; the inputs are: text, count", 2);
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = 1,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "CliError";
  }
}

/** A usage error (exit 2): a wrong flag, an unknown field, an invalid value. */
export function usageError(message: string): CliError {
  return new CliError(message, 2);
}

/**
 * Whether `error` is @servekit/core's `ConfigError` (invalid server options
 * or serve.config.ts): a usage error. Recognised by its name and problems
 * rather than `instanceof`, so that an error from a second copy of core (the
 * user's own) counts too, and the binary's entry need not load core to ask.
 *
 * @example
 * if (isConfigError(error)) process.exitCode = 2;
 */
export function isConfigError(
  error: unknown,
): error is Error & { problems: readonly { path: string; message: string }[] } {
  return (
    error instanceof Error &&
    error.name === "ConfigError" &&
    Array.isArray((error as { problems?: unknown }).problems)
  );
}
