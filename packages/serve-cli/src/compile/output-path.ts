/**
 * The JavaScript file a TypeScript source compiles to, beside it in the
 * build's tree: `.ts` and `.tsx` become `.js`, `.mts` becomes `.mjs`.
 *
 * @example
 * compiledPathOf("src/predictor.ts"); // "src/predictor.js"
 */
export function compiledPathOf(source: string): string {
  return source.replace(/\.(ts|tsx)$/, ".js").replace(/\.mts$/, ".mjs");
}

// A relative specifier in `from "…"`, `import "…"` or `import("…")`.
const RELATIVE_IMPORT =
  /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])(\.{1,2}\/[^"'\n]*?)\.(ts|tsx|mts)\2/g;

/**
 * Rewrites relative imports of TypeScript files (`./x.ts`, written with
 * `allowImportingTsExtensions`) to the JavaScript they compile to; `.js`
 * imports (NodeNext) stay as they are.
 *
 * @example
 * rewriteTypeScriptImports('import { a } from "./a.ts";'); // 'import { a } from "./a.js";'
 */
export function rewriteTypeScriptImports(code: string): string {
  return code.replace(
    RELATIVE_IMPORT,
    (_match, lead: string, quote: string, path: string, ext: string) =>
      `${lead}${quote}${path}.${ext === "mts" ? "mjs" : "js"}${quote}`,
  );
}

/**
 * The relative specifiers a compiled module imports (`./a.js`, `../b.mjs`),
 * to check that each one exists in the build.
 *
 * @example
 * relativeImports('import { a } from "./a.js";'); // ["./a.js"]
 */
export function relativeImports(code: string): string[] {
  const specifiers = new Set<string>();
  for (const match of code.matchAll(
    /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])(\.{1,2}\/[^"'\n]*)\1/g,
  ))
    specifiers.add(match[2]!);
  return [...specifiers];
}
