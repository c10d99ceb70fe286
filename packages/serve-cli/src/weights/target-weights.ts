import { statSync } from "node:fs";
import { resolve } from "node:path";
import {
  projectRootOf,
  resolveWeightsSettings,
  type WeightsDeclarations,
  type WeightsSettings,
} from "@servekit/core";
import { loadModels } from "../load-models.js";
import { splitTarget } from "../load-target.js";

/** One predictor (model-version) of a target, with the weights it declares and where they are looked for. */
export interface PredictorWeights {
  /** `"name@version"`: its key in weights.lock. */
  key: string;
  /** The declared files by name; empty when the predictor declares none. */
  declarations: WeightsDeclarations;
  /** The folder holding the predictor's package.json (weights.lock and `weights/` live there). */
  projectRoot: string | undefined;
  settings: WeightsSettings;
}

/** Where {@link loadTargetWeights} looks. */
export interface TargetWeightsOptions {
  /** Predictor file, file:export, or directory with serve.config.ts. @default "." */
  target?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Every model-version a target serves (a config's `models`, a module's own
 * `serve([…])`, or the one predictor), each with its declared weights and
 * the settings that say where they are found: the `weightsDir` option or
 * SERVEKIT_WEIGHTS_DIR, the project's `weights/` folder, the cache.
 *
 * @example
 * for (const p of await loadTargetWeights({ target: "examples/yolov5" })) console.log(p.key, Object.keys(p.declarations));
 */
export async function loadTargetWeights(
  options: TargetWeightsOptions = {},
): Promise<PredictorWeights[]> {
  const cwd = options.cwd ?? process.cwd();
  const target = options.target ?? ".";
  const { models, config } = await loadModels([target], cwd);
  const targetPath = resolve(cwd, splitTarget(target).path);
  const targetDir = statSync(targetPath, { throwIfNoEntry: false })?.isDirectory()
    ? targetPath
    : undefined;
  const seen = new Set<string>();
  const result: PredictorWeights[] = [];
  for (const model of models) {
    const key = `${model.predictor.name}@${model.predictor.version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const projectRoot =
      projectRootOf(model.predictorModule) ??
      projectRootOf(model.file) ??
      (targetDir ? projectRootOf(targetDir) : undefined);
    const weightsDir = model.serveOptions.weightsDir ?? config.weightsDir;
    result.push({
      key,
      declarations: model.predictor.weights ?? {},
      projectRoot,
      settings: resolveWeightsSettings({
        ...(projectRoot ? { projectRoot } : {}),
        ...(weightsDir ? { weightsDir: resolve(cwd, weightsDir) } : {}),
        env: options.env ?? process.env,
      }),
    });
  }
  return result;
}

/** The entries that declare at least one file. */
export function withDeclaredWeights(entries: readonly PredictorWeights[]): PredictorWeights[] {
  return entries.filter((entry) => Object.keys(entry.declarations).length > 0);
}

/**
 * The line a command prints when nothing it was given declares weights.
 *
 * @example
 * noWeightsMessage([{ key: "echo@0.0.0", … }]) // "no weights declared by echo@0.0.0 (add `weights: { … }` to definePredictor, see docs/weights.md)"
 */
export function noWeightsMessage(entries: readonly PredictorWeights[]): string {
  const who = entries.map((entry) => entry.key).join(", ") || "the target";
  return `no weights declared by ${who} (add \`weights: { model: { url, sha256 } }\` to definePredictor to have them managed, see docs/weights.md)`;
}
