import { existsSync, statSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import {
  type AnyPredictor,
  isPredictor,
  parseServeConfig,
  type ResolvedServeConfig,
} from "@servekit/core";
import { CliError, usageError } from "./cli-error.js";

const CONFIG_FILES = ["serve.config.ts", "serve.config.mts", "serve.config.js", "serve.config.mjs"];

/** A predictor loaded from the command line's target, with its config. */
export interface LoadedTarget {
  predictor: AnyPredictor;
  /** Absolute path of the module that exports it. */
  file: string;
  /** The config file's content, or defaults when there is none. */
  config: ResolvedServeConfig;
  configFile: string | undefined;
}

/**
 * Loads the predictor a target names: a file (`predictor.ts`), a file and
 * export (`model.ts:detector`), or a directory holding `serve.config.ts`
 * (default: the current directory). Without an export name, takes the
 * export named `predictor`, else the default export, else the only predictor.
 *
 * @example
 * const { predictor, config } = await loadTarget("examples/yolov5");
 */
export async function loadTarget(target = ".", cwd = process.cwd()): Promise<LoadedTarget> {
  const { path, exportName } = splitTarget(target);
  const absolute = resolve(cwd, path);
  if (!existsSync(absolute)) throw usageError(`${path} does not exist (looked for ${absolute})`);

  let configFile: string | undefined;
  let config = parseServeConfig({});
  let file = absolute;
  if (statSync(absolute).isDirectory()) {
    configFile = CONFIG_FILES.map((name) => join(absolute, name)).find((f) => existsSync(f));
    if (configFile) {
      const module = await importModule(configFile);
      config = parseServeConfig(
        module.default ?? module.config,
        relative(cwd, configFile) || configFile,
      );
    }
    const entry = splitTarget(config.entry);
    file = join(absolute, entry.path);
    if (!existsSync(file)) {
      const hint = configFile
        ? `\`entry\` in ${relative(cwd, configFile)} is "${config.entry}"`
        : `no serve.config.ts in ${path}, so the default entry "predictor.ts" was tried`;
      throw usageError(`${file} does not exist (${hint})`);
    }
    return {
      predictor: pickPredictor(await importModule(file), file, exportName ?? entry.exportName),
      file,
      config,
      configFile,
    };
  }
  return {
    predictor: pickPredictor(await importModule(file), file, exportName),
    file,
    config,
    configFile,
  };
}

/** `"a/b.ts:name"` → path and export name (a Windows drive letter is not an export). */
export function splitTarget(target: string): { path: string; exportName: string | undefined } {
  const at = target.lastIndexOf(":");
  if (at <= 1 || target.slice(at + 1).includes("/")) return { path: target, exportName: undefined };
  return { path: target.slice(0, at), exportName: target.slice(at + 1) || undefined };
}

async function importModule(file: string): Promise<Record<string, unknown>> {
  try {
    return (await import(pathToFileURL(isAbsolute(file) ? file : resolve(file)).href)) as Record<
      string,
      unknown
    >;
  } catch (error) {
    throw new CliError(`could not load ${file}:\n${describeLoadError(error)}`, 1, { cause: error });
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

function pickPredictor(
  module: Record<string, unknown>,
  file: string,
  exportName: string | undefined,
): AnyPredictor {
  const predictors = Object.entries(module).filter(([, value]) => isPredictor(value));
  if (exportName !== undefined) {
    const value = module[exportName];
    if (isPredictor(value)) return value;
    throw usageError(
      `${file} has no predictor export named "${exportName}"${listExports(predictors)}`,
    );
  }
  const chosen = module.predictor ?? module.default;
  if (isPredictor(chosen)) return chosen;
  if (predictors.length === 1) return predictors[0]![1] as AnyPredictor;
  throw usageError(
    `${file} exports no predictor named "predictor" or default${listExports(predictors)}; name one: ${file}:<export>`,
  );
}

function listExports(predictors: [string, unknown][]): string {
  return predictors.length > 0
    ? ` (predictor exports: ${predictors.map(([name]) => name).join(", ")})`
    : "";
}
