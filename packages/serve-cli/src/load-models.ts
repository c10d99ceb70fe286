import { statSync } from "node:fs";
import { join, relative } from "node:path";
import { configServeOptions, type ServeOptions } from "@servekit/core";
import { usageError } from "./cli-error.js";
import {
  existingEntry,
  existingPath,
  type LoadedTarget,
  loadPredictorModule,
  loadTarget,
  loadTargetConfig,
  splitTarget,
} from "./load-target.js";

/** One model-version to serve: a loaded predictor and the options of its own. */
export type LoadedModel = Pick<
  LoadedTarget,
  "predictor" | "file" | "serveOptions" | "predictorModule"
> & {
  /**
   * Its own options (workers, queue, timeouts): its item's in a config's
   * `models`, or its entry's in the module's own `serve([…])` call.
   */
  options: ServeOptions;
};

/** Everything several targets name, for one server. */
export interface LoadedModels {
  /** In the order given: the first is the default model. */
  models: LoadedModel[];
  /** The first target's config (the defaults when it has none): the server's options. */
  config: LoadedTarget["config"];
  configFile: string | undefined;
  /** Later targets' config files that set server options, which one server cannot take twice. */
  unusedConfigFiles: string[];
}

/**
 * Loads every predictor the targets name, in order: a file, a
 * `file:export`, or a directory (its config's `entry`, or each of its
 * `models`, with their own options). The server's options come from the
 * first target's config; a later one's are reported in `unusedConfigFiles`.
 *
 * @example
 * const { models, config } = await loadModels(["fp32.ts", "fp16.ts"]);
 * await serve(models.map((m) => ({ predictor: m.predictor, options: m.options })), configServeOptions(config));
 */
export async function loadModels(
  targets: readonly string[],
  cwd = process.cwd(),
): Promise<LoadedModels> {
  const [first = ".", ...others] = targets;
  const loaded: LoadedModels = { ...(await loadOneTarget(first, cwd)), unusedConfigFiles: [] };
  for (const target of others) {
    const { models, config, configFile } = await loadOneTarget(target, cwd);
    loaded.models.push(...models);
    if (configFile && Object.keys(configServeOptions(config)).length > 0)
      loaded.unusedConfigFiles.push(configFile);
  }
  checkDistinct(loaded.models, cwd);
  return loaded;
}

/** One server serves a name and version once: two that share both are a usage error. */
function checkDistinct(models: readonly LoadedModel[], cwd: string): void {
  const seen = new Map<string, LoadedModel>();
  for (const model of models) {
    const { name, version } = model.predictor;
    const key = `${name}@${version}`;
    const first = seen.get(key);
    if (!first) {
      seen.set(key, model);
      continue;
    }
    const where = (m: LoadedModel) => relative(cwd, m.file) || m.file;
    throw usageError(
      `${where(first)} and ${where(model)} both serve ${name} version ${version}: give each its own \`version\` in definePredictor (e.g. version: "fp16") to serve both as versions of ${name}, or its own \`name\` to serve them as two models`,
    );
  }
}

async function loadOneTarget(
  target: string,
  cwd: string,
): Promise<Pick<LoadedModels, "models" | "config" | "configFile">> {
  const { path, exportName } = splitTarget(target);
  const absolute = existingPath(path, cwd);
  // `dir:export` names one export of the entry, as it does for every command.
  if (statSync(absolute).isDirectory() && exportName === undefined) {
    const { config, configFile } = await loadTargetConfig(absolute, cwd);
    if (config.models) {
      const source = configFile ? relative(cwd, configFile) : path;
      return {
        models: await loadConfigModels(absolute, config.models, source),
        config,
        configFile,
      };
    }
  }
  const one = await loadTarget(target, cwd);
  // A module that serves several itself (`serve([a, b])`) is served as it would serve them.
  const models =
    exportName === undefined && one.servedTogether.length > 0
      ? one.servedTogether.map((m) => ({ ...m, file: one.file, serveOptions: one.serveOptions }))
      : [modelOf(one, {})];
  return { models, config: one.config, configFile: one.configFile };
}

/** Each of a config's `models`, relative to its directory, with its own options. */
async function loadConfigModels(
  dir: string,
  items: NonNullable<LoadedTarget["config"]["models"]>,
  source: string,
): Promise<LoadedModel[]> {
  const models: LoadedModel[] = [];
  for (const [i, item] of items.entries()) {
    const entry = splitTarget(item.entry);
    const file = existingEntry(
      join(dir, entry.path),
      `\`models.${i}\` in ${source} is "${item.entry}"`,
    );
    models.push(modelOf(await loadPredictorModule(file, entry.exportName), item.options ?? {}));
  }
  return models;
}

function modelOf(
  loaded: Pick<LoadedTarget, "predictor" | "file" | "serveOptions" | "predictorModule">,
  options: ServeOptions,
): LoadedModel {
  const { predictor, file, serveOptions, predictorModule } = loaded;
  return { predictor, file, serveOptions, predictorModule, options };
}
