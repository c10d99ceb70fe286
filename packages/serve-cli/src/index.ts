export { CliError, type ExitCode, usageError } from "./cli-error.js";
export {
  type BuildOptions,
  type BuildResult,
  buildImage,
  dockerfileFor,
} from "./commands/build.js";
export { type ComposeOptions, composeFile } from "./commands/compose.js";
export { type InitOptions, initProject } from "./commands/init.js";
export { openApi } from "./commands/openapi.js";
export { type PredictOptions, predict } from "./commands/predict.js";
export { type RunOptions, runServer } from "./commands/run.js";
export { type StandaloneUiOptions, serveStandaloneUi } from "./commands/ui.js";
export { type BuildContext, prepareBuildContext } from "./container/build-context.js";
export {
  type BuildSettings,
  buildSettingsSchema,
  parseBuildSettings,
  type ResolvedBuildSettings,
} from "./container/build-settings.js";
export { generateCompose } from "./container/compose.js";
export {
  type ComposeRestartPolicy,
  type ComposeSpec,
  type ComposeUiSpec,
  composeServiceName,
  type ResolvedComposeSpec,
  resolveComposeSpec,
} from "./container/compose-spec.js";
export type {
  BuildImageOptions,
  ContainerTool,
  ContainerToolName,
} from "./container/container-tool.js";
export { detectContainerTool } from "./container/detect-container-tool.js";
export { generateDockerfile, generateDockerignore } from "./container/dockerfile.js";
export type { DockerfileSpec } from "./container/dockerfile-spec.js";
export { defineConfig, type ServeCliConfig } from "./define-config.js";
export {
  type CommandResult,
  type CommandRunner,
  type CommandRunnerOptions,
  createCommandRunner,
  type RunCommandOptions,
} from "./deploy/command-runner.js";
export { deployGce, type GceDeployDeps, type GceDeployResult } from "./deploy/deploy-gce.js";
export { type DryRunScriptParts, dryRunScript } from "./deploy/dry-run-script.js";
export {
  type GceDeployOptions,
  type ResolvedGceDeployOptions,
  resolveGceDeployOptions,
} from "./deploy/gce-options.js";
export {
  type GceState,
  gceStateChecks,
  type PlannedStep,
  planGceDelete,
  planGceDeploy,
} from "./deploy/gce-plan.js";
export { commandLine, shellQuote } from "./deploy/shell-quote.js";
export { type WaitForReadyOptions, waitForReady } from "./deploy/wait-for-ready.js";
export {
  checkRequiredInputs,
  fieldsFromJsonSchema,
  fieldsFromPredictor,
  type InputFields,
  inputToJson,
  parseInputArgs,
} from "./input-args.js";
export { type LoadedTarget, loadTarget, splitTarget } from "./load-target.js";
export { createProgram } from "./program.js";
export { type DependencySpecs, projectFiles } from "./templates/project-files.js";
