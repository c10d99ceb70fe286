import { type OpenApiDocument, openApiDocument } from "@servekit/core";
import type { Command } from "commander";
import { loadTarget } from "../load-target.js";
import { printJson } from "../print-json.js";

/**
 * The OpenAPI 3.1 document a predictor is served with, without running its setup.
 *
 * @example
 * const doc = await openApi({ target: "examples/yolov5" });
 */
export async function openApi(options: {
  target?: string;
  cwd?: string;
}): Promise<OpenApiDocument> {
  const { predictor, config, serveOptions } = await loadTarget(options.target, options.cwd);
  // The routes served depend on `metrics`: the config file, then the module's own serve() call.
  return openApiDocument(predictor, { metrics: serveOptions.metrics ?? config.metrics });
}

/** `serve-cli openapi`. */
export function registerOpenApiCommand(program: Command): void {
  program
    .command("openapi")
    .description("Print the OpenAPI 3.1 document of a predictor (for client generators)")
    .argument("[target]", "predictor file, file:export, or directory with serve.config.ts", ".")
    .addHelpText(
      "after",
      `
Examples:
  $ serve-cli openapi examples/yolov5 > openapi.json
  $ serve-cli openapi predictor.ts | npx openapi-typescript /dev/stdin -o client.d.ts`,
    )
    .action(async (target: string) => {
      printJson(await openApi({ target }));
    });
}
