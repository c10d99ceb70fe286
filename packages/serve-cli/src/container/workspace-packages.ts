import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/** A package of a pnpm workspace. */
export interface WorkspacePackage {
  name: string;
  /** Absolute directory. */
  dir: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

/** The nearest directory at or above `from` containing `file`. */
export function findUp(from: string, file: string): string | undefined {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, file))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Every package of the pnpm workspace at `root` (`dir/*` and plain `dir` patterns). */
export function workspacePackages(root: string): WorkspacePackage[] {
  const yaml = readFileSync(join(root, "pnpm-workspace.yaml"), "utf8");
  const patterns = [...yaml.matchAll(/^\s*-\s*["']?([^"'\n#]+?)["']?\s*$/gm)].map((m) =>
    m[1]!.trim(),
  );
  const dirs = patterns.flatMap((pattern) => {
    if (pattern.endsWith("/*")) {
      const parent = join(root, pattern.slice(0, -2));
      if (!existsSync(parent)) return [];
      return readdirSync(parent, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => join(parent, entry.name));
    }
    return [join(root, pattern)];
  });
  return dirs
    .filter((dir) => existsSync(join(dir, "package.json")))
    .map((dir) => {
      const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
        name: string;
        dependencies?: Record<string, string>;
        devDependencies?: Record<string, string>;
      };
      return {
        name: manifest.name,
        dir,
        dependencies: manifest.dependencies ?? {},
        devDependencies: manifest.devDependencies ?? {},
      };
    });
}

/**
 * `start` and the workspace packages the image needs to build and run it,
 * transitively: runtime dependencies, and devDependencies too, since the
 * image builds each package (e.g. @servekit/core's build bundles
 * @servekit/ui's assets). `pnpm deploy --prod` then keeps only what runs.
 */
export function workspaceClosure(
  start: WorkspacePackage,
  all: WorkspacePackage[],
): WorkspacePackage[] {
  const byName = new Map(all.map((p) => [p.name, p]));
  const seen = new Map<string, WorkspacePackage>();
  const visit = (pkg: WorkspacePackage) => {
    if (seen.has(pkg.name)) return;
    seen.set(pkg.name, pkg);
    for (const [name, range] of Object.entries({ ...pkg.devDependencies, ...pkg.dependencies })) {
      const dep = byName.get(name);
      if (dep && range.startsWith("workspace:")) visit(dep);
    }
  };
  visit(start);
  return [...seen.values()];
}

/** `dir` relative to `root`, with forward slashes. */
export function relativeDir(root: string, dir: string): string {
  return relative(root, dir).split("\\").join("/");
}
