import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, extname, isAbsolute, join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import {
  type AnyPredictor,
  isPredictor,
  parseServeConfig,
  type ResolvedServeConfig,
  type ServeOptions,
  type TakenOverServeCall,
  takeOverServeCalls,
} from "@servekit/core";
import { CliError, usageError } from "./cli-error.js";
import { parseBuildSettings, type ResolvedBuildSettings } from "./container/build-settings.js";

const CONFIG_FILES = ["serve.config.ts", "serve.config.mts", "serve.config.js", "serve.config.mjs"];

/**
 * A checked config, `build` checked by serve-cli's own schema, whose
 * `build.weights` is a list: a function there is called only when
 * {@link loadTarget} is asked to (`build`, `dockerfile`).
 */
export type LoadedConfig = Omit<ResolvedServeConfig, "build"> & {
  build?: Omit<ResolvedBuildSettings, "weights"> & { weights: string[] };
};

/** What {@link loadTarget} does beyond importing the predictor. */
export interface LoadTargetOptions {
  /**
   * Call a `build.weights` function (it may search for or download weights);
   * otherwise the list is empty. @default false
   */
  resolveWeights?: boolean;
}

/** A predictor loaded from the command line's target, with its config. */
export interface LoadedTarget {
  predictor: AnyPredictor;
  /** Absolute path of the module that exports it. */
  file: string;
  /** The config file's content, or defaults when there is none. */
  config: LoadedConfig;
  configFile: string | undefined;
  /**
   * Options the module passed to its own `serve()` call for this predictor
   * (taken over, not served): they sit between the config file and the flags.
   */
  serveOptions: ServeOptions;
  /** The module pool workers import to find the predictor: `file` when it exports it. */
  predictorModule: string;
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
export async function loadTarget(
  target = ".",
  cwd = process.cwd(),
  options: LoadTargetOptions = {},
): Promise<LoadedTarget> {
  const { path, exportName } = splitTarget(target);
  const absolute = resolve(cwd, path);
  if (!existsSync(absolute)) throw usageError(`${path} does not exist (looked for ${absolute})`);

  let configFile: string | undefined;
  let config: LoadedConfig = await withWeights(parseServeConfig({}), undefined, options);
  let file = absolute;
  if (statSync(absolute).isDirectory()) {
    configFile = CONFIG_FILES.map((name) => join(absolute, name)).find((f) => existsSync(f));
    if (configFile) {
      const module = await importModule(configFile);
      const source = relative(cwd, configFile) || configFile;
      config = await withWeights(
        parseServeConfig(module.default ?? module.config, source),
        source,
        options,
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
      ...(await loadPredictorModule(file, exportName ?? entry.exportName)),
      config,
      configFile,
    };
  }
  return { ...(await loadPredictorModule(file, exportName)), config, configFile };
}

/**
 * The config with `build` checked and `build.weights` as a list: a function
 * is called when asked, else the list is empty.
 */
async function withWeights(
  config: ResolvedServeConfig,
  source: string | undefined,
  options: LoadTargetOptions,
): Promise<LoadedConfig> {
  const { build: unchecked, ...rest } = config;
  const build = parseBuildSettings(unchecked, source);
  if (!build) return rest;
  const weights = build.weights;
  if (typeof weights !== "function") return { ...rest, build: { ...build, weights } };
  if (!options.resolveWeights) return { ...rest, build: { ...build, weights: [] } };
  try {
    return { ...rest, build: { ...build, weights: await weights() } };
  } catch (error) {
    throw new CliError(
      `build.weights could not find the weight files: ${error instanceof Error ? error.message : error}`,
      1,
      { cause: error },
    );
  }
}

/**
 * Imports a predictor's module with its `serve()` calls taken over, so that
 * loading a file that serves itself starts no server of its own.
 */
async function loadPredictorModule(
  file: string,
  exportName: string | undefined,
): Promise<Pick<LoadedTarget, "predictor" | "file" | "serveOptions" | "predictorModule">> {
  const { value: module, calls } = await takeOverServeCalls(() => importModule(file));
  const predictor = pickPredictor(module, file, exportName, calls);
  const serveOptions = calls.find((c) => c.predictor === predictor)?.options ?? {};
  const exported = Object.values(module).includes(predictor);
  const predictorModule =
    serveOptions.predictorModule?.toString() ?? (exported ? file : (predictor.moduleUrl ?? file));
  return { predictor, file, serveOptions, predictorModule };
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

function pickPredictor(
  module: Record<string, unknown>,
  file: string,
  exportName: string | undefined,
  serveCalls: TakenOverServeCall[] = [],
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
  // A module that serves a predictor it does not export: serve that one.
  if (predictors.length === 0 && serveCalls.length === 1) return serveCalls[0]!.predictor;
  throw usageError(
    `${file} exports no predictor named "predictor" or default${listExports(predictors)}; name one: ${file}:<export>`,
  );
}

function listExports(predictors: [string, unknown][]): string {
  return predictors.length > 0
    ? ` (predictor exports: ${predictors.map(([name]) => name).join(", ")})`
    : "";
}
