import { detectContainerTool } from "../container/detect-container-tool.js";
import type { DeployDeps } from "../deploy/deploy-deps.js";

/**
 * What every `deploy` target's command gives its runner: the container tool
 * `--builder` picks (or the first found), and progress lines on stderr.
 */
export function cliDeployDeps(builder: string | undefined): DeployDeps {
  return {
    containerTool: () => detectContainerTool(builder),
    log: (line) => process.stderr.write(`${line}\n`),
  };
}

/**
 * A deployed server: a banner on stderr, its URL alone on stdout, so
 * `URL=$(serve-cli deploy …)` works in scripts.
 */
export function printReady(headline: string, url: string): void {
  process.stderr.write(`\n  ${headline}: ${url}\n  docs ${url}/docs   UI ${url}/ui\n\n`);
  process.stdout.write(`${url}\n`);
}

/** What `--delete` removed: inline for one or two things, a list for more. */
export function printDeleted(removed: readonly string[]): void {
  process.stderr.write(
    removed.length === 0
      ? "nothing to delete\n"
      : removed.length <= 2
        ? `deleted ${removed.join(" and ")}\n`
        : `deleted:\n${removed.map((thing) => `  - ${thing}\n`).join("")}`,
  );
}

/** Commander's collector for repeatable flags (`-e A=1 -e B=2`). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
