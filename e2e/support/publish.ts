import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { pnpm } from "./package-managers.js";
import { REPO_ROOT } from "./paths.js";
import { type CommandResult, runCommand } from "./user-shell.js";
import type { LocalRegistry } from "./verdaccio.js";

/** A workspace package that `pnpm release` publishes. */
export interface PublicPackage {
  name: string;
  version: string;
  dir: string;
}

/** The non-private packages under packages/, as their package.json files say. */
export function publicPackages(): PublicPackage[] {
  const root = join(REPO_ROOT, "packages");
  return readdirSync(root)
    .map((entry) => join(root, entry))
    .filter((dir) => existsSync(join(dir, "package.json")))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) }))
    .filter(({ manifest }) => manifest.private !== true)
    .map(({ dir, manifest }) => ({ name: manifest.name, version: manifest.version, dir }));
}

/** What of `pkg` the registry cannot serve: its packument (with this version) and its tarball. */
async function missingParts(registryUrl: string, pkg: PublicPackage): Promise<string[]> {
  const missing: string[] = [];
  const packument = await fetch(`${registryUrl}${pkg.name.replace("/", "%2f")}`);
  const versions = packument.ok
    ? ((await packument.json()) as { versions?: Record<string, unknown> }).versions
    : undefined;
  if (!versions?.[pkg.version])
    missing.push(`${pkg.name}@${pkg.version} (packument: ${packument.status})`);
  const tarball = `${pkg.name}/-/${pkg.name.split("/").at(-1)}-${pkg.version}.tgz`;
  const res = await fetch(`${registryUrl}${tarball}`);
  await res.body?.cancel();
  if (!res.ok) missing.push(`${tarball} (${res.status})`);
  return missing;
}

function transcript(label: string, result: CommandResult): string {
  return `--- ${label} exited ${result.code}\n${result.stdout}\n${result.stderr}`;
}

function verdaccioLog(registry: LocalRegistry): string {
  const log = existsSync(registry.logFile) ? readFileSync(registry.logFile, "utf8") : "(no log)";
  return `--- Verdaccio's output (${registry.logFile})\n${log.slice(-20_000)}`;
}

/**
 * Publishes the workspace to `registry` with the publish half of the root
 * `release` script, then checks that the registry serves every public
 * package. What is missing is published once more from its own directory;
 * if still missing, it fails naming it, with the publish and Verdaccio output.
 *
 * pnpm's recursive publish skips a version it believes is already on the
 * registry, and for an exact version it believes its metadata cache, which is
 * keyed by host and port: a registry of an earlier run on the same port would
 * make it skip packages and still exit 0. So it publishes with a cache of its own.
 *
 * @example
 * await publishWorkspace(registry, workDir);
 */
export async function publishWorkspace(registry: LocalRegistry, workDir: string): Promise<void> {
  const release = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")).scripts
    .release as string;
  const publish = release.split("&&").at(-1)!.trim().split(/\s+/).slice(1);
  // The token goes where `npm adduser` would put it: the user's npm config.
  const userConfig = join(workDir, "publisher.npmrc");
  const ownConfig = join(homedir(), ".npmrc");
  writeFileSync(
    userConfig,
    `${existsSync(ownConfig) ? readFileSync(ownConfig, "utf8") : ""}\n${registry.authConfig}\n` +
      `cache-dir=${join(workDir, "publisher-cache")}\n`,
  );
  const run = (args: string[], cwd: string) =>
    runCommand(pnpm.command[0], [...pnpm.command.slice(1), ...args, "--registry", registry.url], {
      cwd,
      env: { NPM_CONFIG_USERCONFIG: userConfig },
    });

  const published = await run(publish, REPO_ROOT);
  const outputs = [transcript(`pnpm ${publish.join(" ")}`, published)];
  if (published.code !== 0) throw new Error(`${outputs[0]}\n${verdaccioLog(registry)}`);
  const check = async (pkgs: PublicPackage[]) => {
    const missing = await Promise.all(pkgs.map((pkg) => missingParts(registry.url, pkg)));
    return { pkgs: pkgs.filter((_, i) => missing[i]!.length > 0), parts: missing.flat() };
  };
  const first = await check(publicPackages());
  if (first.parts.length === 0) return;

  console.warn(
    `after publishing, the registry lacks ${first.parts.join(", ")}; publishing those again\n` +
      `${outputs.join("\n")}\n${verdaccioLog(registry)}`,
  );
  const single = publish.filter((arg) => arg !== "-r" && arg !== "--recursive");
  for (const pkg of first.pkgs)
    outputs.push(transcript(`pnpm ${single.join(" ")} in ${pkg.dir}`, await run(single, pkg.dir)));
  const second = await check(first.pkgs);
  if (second.parts.length > 0)
    throw new Error(
      `the registry still lacks ${second.parts.join(", ")} after publishing twice\n` +
        `${outputs.join("\n")}\n${verdaccioLog(registry)}`,
    );
}
