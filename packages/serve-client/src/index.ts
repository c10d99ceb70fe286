export {
  type ClientOptions,
  createClient,
  type ModelOptions,
  ServekitClient,
  type ServerHealth,
} from "./client.js";
export {
  type ErrorDetail,
  ServekitError,
  ServekitNetworkError,
  ServekitTimeoutError,
} from "./errors.js";
export { ModelClient } from "./model-client.js";
export {
  type InferenceInput,
  type InferenceRequest,
  type InferenceResponse,
  type OipCallOptions,
  OipClient,
} from "./oip-client.js";
export {
  type CreatePredictionOptions,
  isFinished,
  Predictions,
  type WaitOptions,
} from "./predictions.js";
export type { RetryOptions } from "./retry-policy.js";
export { parseSse, type SseEvent } from "./sse.js";
export type {
  CallOptions,
  ClientInput,
  FileSource,
  InputOf,
  OutputOf,
  Prediction,
  PredictionStatus,
  WithMetadata,
} from "./types.js";
