import { existsSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import { CliError } from "../cli-error.js";

/** A dependency installed from the project's own disk, not from a registry. */
export interface LocalDependency {
  /** Relative to the project, with forward slashes, e.g. "vendor/tiny-1.0.0.tgz". */
  path: string;
  /** A packed tarball (only the install reads it) rather than a folder. */
  tarball: boolean;
}

const MANIFEST_FIELDS = [
  "dependencies",
  "devDependencies",
  "optionalDependencies",
  "overrides",
  "resolutions",
] as const;

/** `file:`, `link:` and `portal:` references, and the bare relative paths npm accepts. */
const PROTOCOL = /^(?:file|link|portal):(.+)$/;
const BARE_PATH = /^(?:\.{1,2}\/|\/|~\/)/;
/** The same references inside a lockfile's text; `#` and `::` end them (yarn appends hashes and locators). */
const IN_LOCKFILE = /(?:file|link|portal):([^\s"',#:{}()]+)/g;
const PNPM_DIRECTORY = /\bdirectory:\s*['"]?([^\s'",}]+)/g;

/**
 * The local dependencies a project's install reads, from its package.json and
 * its lockfile: `file:` tarballs and folders, `link:`/`portal:` folders. They
 * must live inside the project, since only the project goes into the image.
 *
 * @example
 * localDependencies("/home/me/echo", "package-lock.json");
 * // [{ path: "vendor/tiny-1.0.0.tgz", tarball: true }]
 */
export function localDependencies(projectDir: string, lockfile: string): LocalDependency[] {
  const references = new Set<string>();
  const manifest = JSON.parse(readFileSync(join(projectDir, "package.json"), "utf8")) as Record<
    string,
    unknown
  >;
  const pnpmField = manifest.pnpm as { overrides?: unknown } | undefined;
  for (const value of [...MANIFEST_FIELDS.map((f) => manifest[f]), pnpmField?.overrides]) {
    for (const spec of stringsIn(value)) {
      const path = PROTOCOL.exec(spec)?.[1] ?? (BARE_PATH.test(spec) ? spec : undefined);
      if (path) references.add(path);
    }
  }
  const lockPath = join(projectDir, lockfile);
  const lockText = existsSync(lockPath) ? readFileSync(lockPath, "utf8") : "";
  for (const match of lockText.matchAll(IN_LOCKFILE)) references.add(match[1]!);
  if (lockfile === "pnpm-lock.yaml") {
    for (const match of lockText.matchAll(PNPM_DIRECTORY)) references.add(match[1]!);
  }
  if (lockfile.endsWith(".json") && lockText) {
    for (const path of npmLinks(lockText)) references.add(path);
  }

  const byPath = new Map<string, LocalDependency>();
  for (const reference of references) {
    const absolute = resolve(projectDir, reference.replace(/^~(?=\/)/, process.env.HOME ?? "~"));
    const path = relative(projectDir, absolute).split("\\").join("/");
    if (path === "" || byPath.has(path)) continue;
    if (path.startsWith("../") || isAbsolute(path)) {
      throw new CliError(
        `the dependency at ${absolute} (\`${reference}\` in package.json or ${lockfile}) is outside the project, and only the project goes into the image: ` +
          `move it inside (e.g. to vendor/), point package.json at the new path and run the install again`,
      );
    }
    if (!existsSync(absolute)) {
      throw new CliError(
        `${lockfile} or package.json points at ${path}, which does not exist: restore it, or run the install again to update the lockfile`,
      );
    }
    byPath.set(path, { path, tarball: statSync(absolute).isFile() });
  }
  return [...byPath.values()].sort((a, b) => a.path.localeCompare(b.path));
}

function stringsIn(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (value && typeof value === "object") return Object.values(value).flatMap(stringsIn);
  return [];
}

/** npm lockfiles record linked folders as `"link": true` entries whose `resolved` is a bare path. */
function npmLinks(lockText: string): string[] {
  const lock = JSON.parse(lockText) as {
    packages?: Record<string, { link?: boolean; resolved?: string }>;
  };
  return Object.values(lock.packages ?? {})
    .filter((entry) => entry.link && entry.resolved)
    .map((entry) => entry.resolved!);
}
