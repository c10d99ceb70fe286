import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { CliError } from "../cli-error.js";
import { findUp, workspacePackages } from "./workspace-packages.js";

/** How a project installs its dependencies, read from its lockfile and package.json. */
export type ProjectKind =
  /** A package of a pnpm workspace whose root is above it (this repository's examples). */
  | { kind: "pnpm-workspace"; root: string }
  | { kind: "npm"; lockfile: "package-lock.json" | "npm-shrinkwrap.json" }
  /** `major`: the pnpm to install, from `packageManager` or the lockfile's version. */
  | { kind: "pnpm"; lockfile: "pnpm-lock.yaml"; major: number; workspaceFile: boolean }
  | { kind: "yarn-classic"; lockfile: "yarn.lock" }
  /** `yarnPath`: the checked-in release `.yarnrc.yml` points at, relative to the project. */
  | { kind: "yarn-berry"; lockfile: "yarn.lock"; major: number; yarnPath?: string };

type Manager = "npm" | "pnpm" | "yarn";

const LOCKFILES: { file: string; manager: Manager }[] = [
  { file: "package-lock.json", manager: "npm" },
  { file: "npm-shrinkwrap.json", manager: "npm" },
  { file: "pnpm-lock.yaml", manager: "pnpm" },
  { file: "yarn.lock", manager: "yarn" },
];

/**
 * Which package manager a project uses: the pnpm workspace it belongs to, or
 * its own lockfile (the `packageManager` field decides between several).
 * Throws when there is no lockfile, since the image installs from it.
 *
 * @example
 * detectProjectKind("/home/me/echo"); // { kind: "npm", lockfile: "package-lock.json" }
 */
export function detectProjectKind(packageDir: string): ProjectKind {
  const workspaceRoot = findUp(packageDir, "pnpm-workspace.yaml");
  if (workspaceRoot && workspaceRoot !== packageDir)
    return { kind: "pnpm-workspace", root: workspaceRoot };
  if (workspaceRoot === packageDir) {
    const others = workspacePackages(packageDir).filter((p) => p.dir !== packageDir);
    if (others.length > 0) {
      throw new CliError(
        `${packageDir} is the root of a pnpm workspace with ${others.length} package(s): build one of them instead, e.g. serve-cli build ${relative(process.cwd(), others[0]!.dir) || "."}`,
      );
    }
  }
  const manifest = readManifest(packageDir);
  const declared = /^(npm|pnpm|yarn)@(\d+)/.exec(manifest.packageManager ?? "");
  const found = LOCKFILES.filter(({ file }) => existsSync(join(packageDir, file)));
  const candidates = declared ? found.filter((f) => f.manager === declared[1]) : found;
  const managers = new Set(candidates.map((f) => f.manager));
  if (candidates.length === 0) throw new CliError(noLockfileMessage(packageDir, declared?.[1]));
  if (managers.size > 1) {
    throw new CliError(
      `${packageDir} has lockfiles of several package managers (${candidates.map((f) => f.file).join(", ")}): ` +
        `delete the stale ones, or name the one you use in package.json, e.g. "packageManager": "pnpm@10.0.0"`,
    );
  }
  const { file, manager } = candidates[0]!;
  const declaredMajor = declared ? Number(declared[2]) : undefined;
  switch (manager) {
    case "npm":
      return { kind: "npm", lockfile: file as "package-lock.json" | "npm-shrinkwrap.json" };
    case "pnpm":
      return {
        kind: "pnpm",
        lockfile: "pnpm-lock.yaml",
        major: declaredMajor ?? pnpmMajorForLockfile(join(packageDir, file)),
        workspaceFile: workspaceRoot === packageDir,
      };
    case "yarn":
      return yarnKind(packageDir, declaredMajor);
    default: {
      const never: never = manager;
      throw new TypeError(`unknown package manager ${never}`);
    }
  }
}

function readManifest(packageDir: string): { packageManager?: string } {
  return JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"));
}

function noLockfileMessage(packageDir: string, declared: string | undefined): string {
  const above = LOCKFILES.map(({ file }) => {
    const dir = findUp(dirname(packageDir), file);
    return dir ? join(dir, file) : undefined;
  }).find(Boolean);
  const install = declared ? `${declared} install` : "npm install (or pnpm install, yarn install)";
  return (
    `${packageDir} has no ${declared ? `${declared} ` : ""}lockfile: run ${install} there first, since the image installs exactly what the lockfile pins` +
    (above
      ? `; ${above} belongs to a workspace above, and only pnpm workspaces are built as such (build from a standalone project)`
      : "")
  );
}

/** pnpm 9 and 10 write lockfile 9.0; 8 wrote 6.x; 7 wrote 5.4. */
function pnpmMajorForLockfile(file: string): number {
  const version = /^lockfileVersion:\s*['"]?(\d+)/m.exec(readFileSync(file, "utf8"))?.[1];
  if (version === "6") return 8;
  if (version === "5") return 7;
  return 10;
}

function yarnKind(packageDir: string, declaredMajor: number | undefined): ProjectKind {
  const lock = readFileSync(join(packageDir, "yarn.lock"), "utf8");
  const rc = join(packageDir, ".yarnrc.yml");
  const yarnPath = existsSync(rc)
    ? /^yarnPath:\s*["']?([^"'\n]+?)["']?\s*$/m.exec(readFileSync(rc, "utf8"))?.[1]
    : undefined;
  const berry =
    declaredMajor !== undefined
      ? declaredMajor >= 2
      : /^__metadata:/m.test(lock) || (!/# yarn lockfile v1/.test(lock) && existsSync(rc));
  if (!berry) return { kind: "yarn-classic", lockfile: "yarn.lock" };
  const releaseMajor = yarnPath ? /yarn-(\d+)\./.exec(yarnPath)?.[1] : undefined;
  return {
    kind: "yarn-berry",
    lockfile: "yarn.lock",
    major: declaredMajor ?? (releaseMajor ? Number(releaseMajor) : 4),
    ...(yarnPath ? { yarnPath } : {}),
  };
}
