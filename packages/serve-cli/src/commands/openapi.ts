import { type OpenApiDocument, openApiDocument } from "@servekit/core";
import type { Command } from "commander";
import { loadModels } from "../load-models.js";
import { printJson } from "../print-json.js";

/**
 * The OpenAPI 3.1 document a predictor is served with, without running its
 * setup; for several (targets, or a config's `models`), the document of the
 * server that `run` would start with them, every model and version included.
 *
 * @example
 * const doc = await openApi({ target: "examples/yolov5" });
 * const both = await openApi({ targets: ["fp32.ts", "fp16.ts"] });
 */
export async function openApi(options: {
  target?: string;
  targets?: string[];
  cwd?: string;
}): Promise<OpenApiDocument> {
  const targets = options.targets?.length ? options.targets : [options.target ?? "."];
  const { models, config } = await loadModels(targets, options.cwd);
  const predictors = models.map((m) => m.predictor);
  // The routes served depend on `metrics`: the config file, then the module's own serve() call.
  const metrics = models[0]?.serveOptions.metrics ?? config.metrics;
  return openApiDocument(predictors.length === 1 ? predictors[0]! : predictors, { metrics });
}

/** `serve-cli openapi`. */
export function registerOpenApiCommand(program: Command): void {
  program
    .command("openapi")
    .description("Print the OpenAPI 3.1 document of a predictor (for client generators)")
    .argument(
      "[targets...]",
      "predictor file, file:export, or directory with serve.config.ts (default .); several: one document",
    )
    .addHelpText(
      "after",
      `
Examples:
  $ serve-cli openapi examples/yolov5 > openapi.json
  $ serve-cli openapi predictor.ts | npx openapi-typescript /dev/stdin -o client.d.ts`,
    )
    .action(async (targets: string[]) => {
      printJson(await openApi({ targets }));
    });
}
