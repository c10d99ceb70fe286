import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * The package a bare import names (`@scope/pkg/sub` → `@scope/pkg`), or
 * undefined for a relative path or a Node built-in.
 *
 * @example
 * packageNameOf("@servekit/example-yolov5/predictor"); // "@servekit/example-yolov5"
 */
export function packageNameOf(specifier: string): string | undefined {
  if (specifier.startsWith(".") || specifier.startsWith("/") || specifier.startsWith("node:"))
    return undefined;
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/**
 * Whether a package.json points its entries at TypeScript (a workspace
 * package exporting `./src/index.ts`): only a transpiler can load those.
 *
 * @example
 * shipsTypeScript({ exports: { "./predictor": "./src/predictor.ts" } }); // true
 */
export function shipsTypeScript(manifest: {
  exports?: unknown;
  main?: unknown;
  module?: unknown;
}): boolean {
  const leaves: string[] = [];
  const collect = (value: unknown) => {
    if (typeof value === "string") leaves.push(value);
    else if (value && typeof value === "object") Object.values(value).forEach(collect);
  };
  collect([manifest.exports, manifest.main, manifest.module]);
  return leaves.some((path) => /\.(ts|mts|tsx)$/.test(path) && !/\.d\.m?ts$/.test(path));
}

/** The bare imports of compiled code (`from "pkg"`, `import("pkg/sub")`). */
export function bareImports(code: string): string[] {
  const found = new Set<string>();
  for (const match of code.matchAll(
    /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])([^"'\n]+)\1/g,
  )) {
    if (packageNameOf(match[2]!)) found.add(match[2]!);
  }
  return [...found];
}

/**
 * The packages among a file's imports that ship TypeScript, as Node would
 * find them from that file (node_modules folders up the tree).
 *
 * @example
 * typeScriptPackagesOf("/repo/bench/server.ts", ["@servekit/example-yolov5/predictor"]);
 */
export function typeScriptPackagesOf(file: string, specifiers: readonly string[]): string[] {
  const names = new Set(specifiers.map(packageNameOf).filter((n) => n !== undefined));
  return [...names].filter((name) => {
    const manifest = findPackageJson(dirname(file), name);
    return manifest !== undefined && shipsTypeScript(JSON.parse(readFileSync(manifest, "utf8")));
  });
}

function findPackageJson(from: string, name: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name, "package.json");
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}
