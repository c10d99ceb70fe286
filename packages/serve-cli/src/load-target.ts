import { existsSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import {
  type AnyPredictor,
  isPredictor,
  type ModelEntry,
  parseServeConfig,
  type ResolvedServeConfig,
  type ServeOptions,
  type TakenOverServeCall,
  takeOverServeCalls,
} from "@servekit/core";
import { CliError, usageError } from "./cli-error.js";
import { importUserModule } from "./compile/compiled-build.js";
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
  /**
   * Every model-version of the module's own `serve([a, b, …])` call that
   * serves this predictor, with each one's options and module (empty when
   * it serves one): `run` serves them all.
   */
  servedTogether: ServedTogether[];
}

/** A model-version a module's own `serve([…])` call serves. */
export interface ServedTogether {
  predictor: AnyPredictor;
  options: ServeOptions;
  predictorModule: string;
}

/**
 * Loads the predictor a target names: a file (`predictor.ts`), a file and
 * export (`model.ts:detector`), or a directory holding `serve.config.ts`
 * (default: the current directory; its `entry`, or with `models` the first
 * of them). Without an export name, takes the export named `predictor`,
 * else the default export, else the only predictor.
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
  const absolute = existingPath(path, cwd);
  if (!statSync(absolute).isDirectory())
    return { ...(await loadPredictorModule(absolute, exportName)), ...(await noConfig(options)) };
  const found = await loadTargetConfig(absolute, cwd, options);
  const entry = splitTarget(found.config.entry);
  const hint = found.configFile
    ? `\`${found.config.models ? "models.0" : "entry"}\` in ${relative(cwd, found.configFile)} is "${found.config.entry}"`
    : `no serve.config.ts in ${path}, so the default entry "predictor.ts" was tried`;
  const file = existingEntry(join(absolute, entry.path), hint);
  return { ...(await loadPredictorModule(file, exportName ?? entry.exportName)), ...found };
}

/** The absolute path of a target's file or directory; a usage error when there is none. */
export function existingPath(path: string, cwd: string): string {
  const absolute = resolve(cwd, path);
  if (!existsSync(absolute)) throw usageError(`${path} does not exist (looked for ${absolute})`);
  return absolute;
}

/** `file`, when it exists; else a usage error saying where its name came from. */
export function existingEntry(file: string, hint: string): string {
  if (!existsSync(file)) throw usageError(`${file} does not exist (${hint})`);
  return file;
}

/** A directory's config file, checked, or the defaults when it has none. */
export async function loadTargetConfig(
  dir: string,
  cwd: string,
  options: LoadTargetOptions = {},
): Promise<Pick<LoadedTarget, "config" | "configFile">> {
  const configFile = CONFIG_FILES.map((name) => join(dir, name)).find((f) => existsSync(f));
  if (!configFile) return noConfig(options);
  const { module } = await importUserModule(configFile);
  const source = relative(cwd, configFile) || configFile;
  const config = await withWeights(
    parseServeConfig(module.default ?? module.config, source),
    source,
    options,
  );
  return { config, configFile };
}

async function noConfig(
  options: LoadTargetOptions,
): Promise<Pick<LoadedTarget, "config" | "configFile">> {
  return {
    config: await withWeights(parseServeConfig({}), undefined, options),
    configFile: undefined,
  };
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
export async function loadPredictorModule(
  file: string,
  exportName: string | undefined,
): Promise<LoadedPredictor> {
  // From the project's compiled build when it is fresh (`serve-cli compile`):
  // pool workers then import that JavaScript too.
  const {
    value: { module, importedFile },
    calls,
  } = await takeOverServeCalls(() => importUserModule(file));
  const predictor = pickPredictor(module, file, exportName, calls);
  const call = calls.find((c) => c.models.some((entry) => entryPredictor(entry) === predictor));
  const serveOptions = call?.options ?? {};
  const moduleOf = (p: AnyPredictor, options: ServeOptions) =>
    options.predictorModule?.toString() ??
    (Object.values(module).includes(p) ? importedFile : (p.moduleUrl ?? importedFile));
  const servedTogether =
    call && call.models.length > 1
      ? call.models.map((entry) => {
          const options = "predict" in entry ? {} : (entry.options ?? {});
          const p = entryPredictor(entry);
          return {
            predictor: p,
            options,
            predictorModule: moduleOf(p, { ...serveOptions, ...options }),
          };
        })
      : [];
  return {
    predictor,
    file,
    serveOptions,
    predictorModule: moduleOf(predictor, serveOptions),
    servedTogether,
  };
}

/** What {@link loadPredictorModule} finds in a module. */
export type LoadedPredictor = Pick<
  LoadedTarget,
  "predictor" | "file" | "serveOptions" | "predictorModule" | "servedTogether"
>;

function entryPredictor(entry: ModelEntry): AnyPredictor {
  return "predict" in entry ? entry : entry.predictor;
}

/** `"a/b.ts:name"` → path and export name (a Windows drive letter is not an export). */
export function splitTarget(target: string): { path: string; exportName: string | undefined } {
  const at = target.lastIndexOf(":");
  if (at <= 1 || target.slice(at + 1).includes("/")) return { path: target, exportName: undefined };
  return { path: target.slice(0, at), exportName: target.slice(at + 1) || undefined };
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
