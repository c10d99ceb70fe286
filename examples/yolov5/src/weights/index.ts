export { availableModels } from "./available-models.js";
export { DownloadError, type DownloadFailure } from "./download-error.js";
export { type DownloadFileOptions, downloadFile } from "./download-file.js";
export { type DownloadProgress, formatDownloadProgress } from "./download-progress.js";
export {
  DEFAULT_WEIGHTS_BASE_URL,
  KNOWN_WEIGHTS,
  type KnownWeightsFile,
  LABELS_FILE,
  MODEL_NAMES,
  type ModelName,
  modelFileName,
  type WeightsFileName,
} from "./known-weights.js";
export { resolveLabels } from "./resolve-labels.js";
export { resolveWeights } from "./resolve-weights.js";
export { type ResolvedWeights, resolveWeightsFile } from "./resolve-weights-file.js";
export { WeightsNotFoundError } from "./weights-not-found-error.js";
export {
  examplePackageRoot,
  resolveWeightsOptions,
  type WeightsLocationOptions,
  type WeightsOptions,
  type WeightsSource,
} from "./weights-options.js";
