import { execFileSync } from "node:child_process";

/** How a user drives one package manager from a shell. */
export interface PackageManager {
  name: "npm" | "pnpm" | "yarn";
  /** The program and leading arguments, e.g. `["npx", "-y", "pnpm@10"]` where pnpm is not installed. */
  command: [string, ...string[]];
  /** `npm install X` / `pnpm add X`. */
  add: (packages: string[], dev?: boolean) => string[];
  /** Runs a binary of the project's dependencies: `npx X` / `pnpm exec X`. */
  exec: (binary: string, args: string[]) => [string, ...string[]];
  /** The lockfile it writes. */
  lockfile: string;
}

function onPath(program: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${program}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export const npm: PackageManager = {
  name: "npm",
  command: ["npm"],
  add: (packages, dev) => ["install", ...(dev ? ["--save-dev"] : []), ...packages],
  exec: (binary, args) => ["npx", binary, ...args],
  lockfile: "package-lock.json",
};

const pnpmCommand: [string, ...string[]] = onPath("pnpm") ? ["pnpm"] : ["npx", "-y", "pnpm@10"];

export const pnpm: PackageManager = {
  name: "pnpm",
  command: pnpmCommand,
  add: (packages, dev) => ["add", ...(dev ? ["--save-dev"] : []), ...packages],
  exec: (binary, args) => [...pnpmCommand, "exec", binary, ...args],
  lockfile: "pnpm-lock.yaml",
};

const yarnCommand: [string, ...string[]] = onPath("yarn") ? ["yarn"] : ["npx", "-y", "yarn@1"];

/** Yarn classic (1.x), which reads scoped registries from `.npmrc`. */
export const yarn: PackageManager = {
  name: "yarn",
  command: yarnCommand,
  add: (packages, dev) => ["add", ...(dev ? ["--dev"] : []), ...packages],
  exec: (binary, args) => [...yarnCommand, "--silent", binary, ...args],
  lockfile: "yarn.lock",
};
