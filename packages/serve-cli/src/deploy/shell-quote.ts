// Characters a POSIX shell passes through unquoted (no globbing, expansion or word splitting).
const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * One argument as a POSIX shell would need it written: as is when it is
 * plain, otherwise in single quotes (a quote inside becomes `'\''`).
 *
 * @example
 * shellQuote("--description=servekit: port 8000"); // "'--description=servekit: port 8000'"
 */
export function shellQuote(arg: string): string {
  if (SAFE.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/**
 * An argv as one line a user can paste into a shell.
 *
 * @example
 * commandLine(["docker", "push", "us-docker.pkg.dev/p/r/app:1"]); // "docker push us-docker.pkg.dev/p/r/app:1"
 */
export function commandLine(argv: readonly string[]): string {
  return argv.map(shellQuote).join(" ");
}
