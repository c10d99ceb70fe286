export {
  BatchInputError,
  type BatchLine,
  type BatchOptions,
  type BatchOutputOptions,
  type BatchPlan,
  type BatchProgress,
  type BatchSummary,
  isBatchInputError,
  type RemoteRowsOptions,
  runBatch,
  type Shard,
} from "./batch/run-batch.js";
export {
  configServeOptions,
  defineConfig,
  parseServeConfig,
  type ResolvedServeConfig,
  type ServeConfig,
  serveConfigSchema,
} from "./config.js";
export {
  ConfigError,
  type ConfigProblem,
  configProblems,
  formatConfigProblem,
  isConfigError,
} from "./config-error.js";
export {
  type ErrorBody,
  type ErrorCode,
  type FieldIssue,
  invalidField,
  ServeError,
  type ServeErrorOptions,
  statusForCode,
} from "./errors.js";
export { type AppLifecycle, createApp, type Served, type ServekitApp } from "./http/app.js";
export {
  type DocumentedModels,
  type OpenApiDocument,
  openApiDocument,
} from "./http/routes/openapi.js";
export { type UiRoutesOptions, uiRoutes } from "./http/routes/ui.js";
export { coerceTextValue } from "./input/coerce-text-value.js";
export {
  type FileInput,
  type FileOptions,
  file,
  type ImageInput,
  type ImageOptions,
  image,
} from "./input/file-input.js";
export { findFileFields } from "./input/find-file-fields.js";
export {
  type InputJsonSchema,
  type RowFields,
  rowFieldsFromJsonSchema,
  rowFieldsFromPredictor,
} from "./input/input-fields.js";
export {
  createLogger,
  type LogFormat,
  type Logger,
  type LogLevel,
  type PredictorLogger,
} from "./logger.js";
export type { MetricLabels, PredictorMetrics } from "./metrics/predictor-metrics.js";
export {
  type ResolvedServeOptions,
  resolveServeOptions,
  type ServeOptionMeta,
  type ServeOptions,
  serveOptionsSchema,
  type WebhookRetryOptions,
  type WorkerRestartOptions,
} from "./options.js";
export {
  type AnyPredictor,
  definePredictor,
  isPredictor,
  type OutputMetric,
  type PredictContext,
  type Predictor,
  type PredictorDefinition,
  type PredictorUiHints,
  type PredictRequest,
  type SetupContext,
} from "./predictor.js";
export type {
  AsyncPredictionRequest,
  AsyncPredictions,
} from "./runtime/async/async-predictions.js";
export type {
  Prediction as AsyncPrediction,
  PredictionStatus,
  WebhookEvent,
} from "./runtime/async/prediction.js";
export { Cancellation } from "./runtime/cancellation.js";
export type { SetupReport } from "./runtime/executor/setup-report.js";
export { ModelRuntime, type ModelRuntimeHooks } from "./runtime/model-runtime.js";
export { ModelRegistry } from "./runtime/models/model-registry.js";
export type {
  ModelEntry,
  ModelInfo,
  ModelLease,
  ModelVersionInfo,
  RouteReason,
  RouteRequest,
  TrafficChange,
  TrafficPolicy,
} from "./runtime/models/model-types.js";
export type {
  Health,
  HealthStatus,
  PredictionOutcome,
  PredictOptions,
} from "./runtime/runtime-types.js";
export { type RunningServer, serve } from "./serve.js";
export { type TakenOverServeCall, takeOverServeCalls } from "./serve-takeover.js";
export {
  type ResolvedConsumeOptions,
  resolveConsumeOptions,
  StreamConsumer,
  type StreamConsumerStats,
} from "./stream/stream-consumer.js";
export {
  type ConsumeOptions,
  consumeOptionsSchema,
} from "./stream/stream-options-schema.js";
export { type StartTracingOptions, startTracing, type Tracing } from "./tracing/start-tracing.js";
export { traceLogOptions } from "./tracing/tracing-state.js";
export {
  checkWeightsDeclarations,
  type WeightsDeclarations,
  type WeightsFile,
  weightsFileName,
} from "./weights/weights-declaration.js";
export {
  type DownloadWeightsOptions,
  downloadWeights,
} from "./weights/weights-download.js";
export { isWeightsError, WeightsError } from "./weights/weights-error.js";
export {
  cachePath,
  locateWeights,
  searchedPaths,
  type WeightsLocation,
} from "./weights/weights-location.js";
export {
  lockProblems,
  readWeightsLock,
  verifyWeightsFile,
  WEIGHTS_LOCK_FILE,
  type WeightsLock,
  writeWeightsLock,
} from "./weights/weights-lock.js";
export type { WeightsProgress } from "./weights/weights-progress.js";
export { createWeights, type Weights } from "./weights/weights-resolver.js";
export {
  projectRootOf,
  resolveWeightsSettings,
  type WeightsSettings,
} from "./weights/weights-settings.js";
export type { DownloadTuning } from "./weights/weights-transfer.js";
export { z } from "./zod.js";
