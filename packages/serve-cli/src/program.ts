import { Command } from "commander";
import { registerBuildCommands } from "./commands/build.js";
import { registerComposeCommand } from "./commands/compose.js";
import { registerDeployCommand } from "./commands/deploy.js";
import { registerInitCommand } from "./commands/init.js";
import { registerOpenApiCommand } from "./commands/openapi.js";
import { registerPredictCommand } from "./commands/predict.js";
import { registerRunCommand } from "./commands/run.js";
import { registerUiCommand } from "./commands/ui.js";

/**
 * The serve-cli command tree. Commander's own exits are turned into
 * exceptions, so only the binary's entry decides the exit code.
 */
export function createProgram(version: string): Command {
  const program = new Command("serve-cli")
    .description("Run, query and package servekit predictors")
    .version(version, "-v, --version")
    .option("--debug", "show stack traces on errors")
    .showHelpAfterError("(add --help for usage)")
    .exitOverride()
    .addHelpText(
      "after",
      `
Examples:
  $ serve-cli init my-model
  $ serve-cli run examples/yolov5 --port 8000
  $ serve-cli predict examples/yolov5 -i image=@../shared/images/bus.jpg
  $ serve-cli openapi examples/yolov5 > openapi.json`,
    );
  registerInitCommand(program);
  registerRunCommand(program);
  registerPredictCommand(program);
  registerOpenApiCommand(program);
  registerUiCommand(program);
  registerBuildCommands(program);
  registerComposeCommand(program);
  registerDeployCommand(program);
  for (const command of program.commands)
    command.exitOverride().showHelpAfterError("(add --help for usage)");
  return program;
}
