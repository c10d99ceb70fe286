export { CliError, type ExitCode, usageError } from "./cli-error.js";
export { type InitOptions, initProject } from "./commands/init.js";
export { openApi } from "./commands/openapi.js";
export { type PredictOptions, predict } from "./commands/predict.js";
export { type RunOptions, runServer } from "./commands/run.js";
export { type StandaloneUiOptions, serveStandaloneUi } from "./commands/ui.js";
export {
  fieldsFromJsonSchema,
  fieldsFromPredictor,
  type InputFields,
  inputToJson,
  parseInputArgs,
} from "./input-args.js";
export { type LoadedTarget, loadTarget, splitTarget } from "./load-target.js";
export { createProgram } from "./program.js";
export { type DependencySpecs, projectFiles } from "./templates/project-files.js";
