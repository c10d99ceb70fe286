import { createApp, type OpenApiDocument, openApiDocument } from "@servekit/core";
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
  const { predictor } = await loadTarget(options.target, options.cwd);
  // A predictor with no setup work is fine; one with setup runs it in the background, so skip it.
  const app = createApp({ ...predictor, setup: undefined }, { logLevel: "silent", workers: 0 });
  try {
    return openApiDocument({ app, predictor });
  } finally {
    await app.lifecycle.close();
  }
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
