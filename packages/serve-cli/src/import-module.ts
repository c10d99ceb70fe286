import { existsSync, readFileSync } from "node:fs";
import { dirname, extname, isAbsolute, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { CliError } from "./cli-error.js";

/**
 * Imports a user's module (a predictor, a config file); a failure is a
 * CliError that points at the file and line of a syntax error, and says how
 * to fix a package that loads as CommonJS.
 *
 * @example
 * const module = await importModule("/srv/app/serve.config.ts");
 */
export async function importModule(file: string): Promise<Record<string, unknown>> {
  try {
    return (await import(pathToFileURL(isAbsolute(file) ? file : resolve(file)).href)) as Record<
      string,
      unknown
    >;
  } catch (error) {
    throw new CliError(
      `could not load ${file}:\n${describeLoadError(error)}${commonJsHint(file)}`,
      1,
      { cause: error },
    );
  }
}

/**
 * servekit is ESM-only: a .ts or .js file in a package without
 * `"type": "module"` (what `npm init -y` writes) loads as CommonJS and
 * cannot import it. Says how to fix that, when it is the case.
 */
function commonJsHint(file: string): string {
  if (![".ts", ".js", ".tsx", ".jsx"].includes(extname(file))) return "";
  let dir = dirname(file);
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      const { type } = JSON.parse(readFileSync(manifest, "utf8")) as { type?: string };
      if (type === "module") return "";
      return `\n${manifest} does not say "type": "module", so ${file} loads as CommonJS, and servekit is ESM-only. Fix: run \`npm pkg set type=module\` in ${dir} (or name the file .mts)`;
    }
    const parent = dirname(dir);
    if (parent === dir)
      return `\nno package.json above ${file}: it loads as CommonJS, and servekit is ESM-only. Fix: \`npm init -y && npm pkg set type=module\`, or name the file .mts`;
    dir = parent;
  }
}

/** esbuild's syntax errors carry file:line:column; other errors their message. */
function describeLoadError(error: unknown): string {
  const errors = (
    error as {
      errors?: {
        text: string;
        location?: { file: string; line: number; column: number; lineText: string };
      }[];
    }
  ).errors;
  if (Array.isArray(errors) && errors.length > 0) {
    return errors
      .map((e) =>
        e.location
          ? `  ${e.location.file}:${e.location.line}:${e.location.column + 1}: ${e.text}\n    ${e.location.lineText}`
          : `  ${e.text}`,
      )
      .join("\n");
  }
  return `  ${error instanceof Error ? error.message : String(error)}`;
}
