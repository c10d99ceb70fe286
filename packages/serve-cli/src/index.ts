export { CliError, type ExitCode, usageError } from "./cli-error.js";
export {
  type BuildOptions,
  type BuildResult,
  buildImage,
  dockerfileFor,
} from "./commands/build.js";
export { type ComposeOptions, composeFile } from "./commands/compose.js";
export { type InitOptions, initProject } from "./commands/init.js";
export { type K8sFileOptions, k8sFile } from "./commands/k8s.js";
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
export { type ContainerUnitOptions, cloudInitUserData } from "./deploy/cloud-init.js";
export type { ServerSizing } from "./deploy/cloudrun-capacity.js";
export type { CloudRunDeployOptions } from "./deploy/cloudrun-options.js";
export { planCloudRunDeploy } from "./deploy/cloudrun-plan.js";
export {
  type CommandResult,
  type CommandRunner,
  type CommandRunnerOptions,
  createCommandRunner,
  type RunCommandOptions,
} from "./deploy/command-runner.js";
export {
  type CloudRunDeployDeps,
  type CloudRunDeployResult,
  deployCloudRun,
} from "./deploy/deploy-cloudrun.js";
export { deployGce, type GceDeployDeps, type GceDeployResult } from "./deploy/deploy-gce.js";
export {
  deployHeroku,
  type HerokuDeployDeps,
  type HerokuDeployResult,
} from "./deploy/deploy-heroku.js";
export { type DryRunScriptParts, dryRunScript } from "./deploy/dry-run-script.js";
export { planGceGroupDelete } from "./deploy/gce-group-delete-plan.js";
export type { GceGroupSettings } from "./deploy/gce-group-options.js";
export { planGceGroupDeploy } from "./deploy/gce-group-plan.js";
export {
  type GceGroupNames,
  type GceGroupState,
  gceGroupNames,
  gceGroupStateChecks,
  instanceTemplateName,
} from "./deploy/gce-group-resources.js";
export {
  type GceDeployOptions,
  type ResolvedGceDeployOptions,
  resolveGceDeployOptions,
} from "./deploy/gce-options.js";
export {
  type GceState,
  gceStateChecks,
  gceUserData,
  planGceDelete,
  planGceDeploy,
} from "./deploy/gce-plan.js";
export type { HerokuDeployOptions } from "./deploy/heroku-options.js";
export { type HerokuState, planHerokuDeploy } from "./deploy/heroku-plan.js";
export type { PlannedStep } from "./deploy/planned-step.js";
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
export {
  type K8sAutoscale,
  type K8sOptions,
  k8sName,
  resolveK8sOptions,
} from "./k8s/k8s-options.js";
export { generateK8sManifests, k8sManifestsYaml } from "./k8s/manifests.js";
export type { BenchResult } from "./load/bench-result.js";
export type { LevelResult, LoadLevel } from "./load/level-result.js";
export { type BenchOptions, bench } from "./load/run-bench.js";
export { type LoadedTarget, loadTarget, splitTarget } from "./load-target.js";
export { createProgram } from "./program.js";
export { type DependencySpecs, projectFiles } from "./templates/project-files.js";
export { type ImageWeightsFile, imageWeights } from "./weights/image-weights.js";
export { type LockPlan, lockChanges, planWeightsLocks } from "./weights/lock-plan.js";
export { type PullResult, pullWeights } from "./weights/pull-weights.js";
export {
  loadTargetWeights,
  type PredictorWeights,
  type TargetWeightsOptions,
} from "./weights/target-weights.js";
export { type VerifyRow, verifyWeights } from "./weights/verify-weights.js";
export { type WeightsStatusRow, weightsStatus } from "./weights/weights-status.js";
