import { isDeepStrictEqual } from "node:util";
import { ServeError } from "../../errors.js";
import type { PredictionOutcome } from "../runtime-types.js";
import type { Prediction, WebhookEvent } from "./prediction.js";

/** What a client asked for in `POST /predictions` (Prefer: respond-async) or `PUT /predictions/{id}`. */
export interface AsyncPredictionRequest {
  id: string;
  input: Record<string, unknown>;
  webhook?: string | undefined;
  webhookEventsFilter?: WebhookEvent[] | undefined;
  /** URL of the predictions collection, e.g. `http://host/predictions`, for `urls`. */
  collectionUrl: string;
  requestId: string;
}

/** Every webhook event: what a webhook without `webhook_events_filter` gets. */
const ALL_EVENTS: WebhookEvent[] = ["start", "output", "logs", "completed"];

/** A just-accepted prediction (`starting`) for `request`, with its accepted `input`. */
export function predictionRecord(
  request: AsyncPredictionRequest,
  input: Record<string, unknown>,
): Prediction {
  const url = `${request.collectionUrl}/${encodeURIComponent(request.id)}`;
  return {
    id: request.id,
    status: "starting",
    input,
    output: null,
    error: null,
    logs: "",
    metrics: {},
    created_at: new Date().toISOString(),
    started_at: null,
    completed_at: null,
    urls: { get: url, cancel: `${url}/cancel` },
    ...(request.webhook === undefined
      ? {}
      : {
          webhook: request.webhook,
          webhook_events_filter: request.webhookEventsFilter ?? ALL_EVENTS,
        }),
  };
}

/** The fields of a prediction record that a successful outcome fills in (Cog's names). */
export function succeededFields(outcome: PredictionOutcome) {
  return {
    status: "succeeded" as const,
    output: outcome.output,
    error: null,
    logs: outcome.logs,
    metrics: {
      predict_time: (outcome.completedAt.getTime() - outcome.startedAt.getTime()) / 1000,
    },
    started_at: outcome.startedAt.toISOString(),
    completed_at: outcome.completedAt.toISOString(),
  };
}

/** The webhook events of a finished prediction: `completed`, and `output`/`logs` when it has them. */
export function completionEvents(prediction: Prediction): WebhookEvent[] {
  const events: WebhookEvent[] = ["completed"];
  if (prediction.output !== null) events.push("output");
  if (prediction.logs !== "") events.push("logs");
  return events;
}

/**
 * What a create answers for an id that exists (`fresher` is its state in
 * the shared store, when there is one): it, when the input is the same.
 * A forgotten input (`null`) cannot be compared: the id answers with what it has.
 */
export function sameInput(
  existing: Prediction,
  input: Record<string, unknown>,
  fresher?: Prediction,
): { prediction: Prediction; created: false } {
  if (existing.input !== null && !isDeepStrictEqual(existing.input, input)) {
    throw new ServeError(
      "CONFLICT",
      `prediction ${existing.id} already exists with a different input; use a new id, or send the same input to read it back`,
    );
  }
  return { prediction: fresher ?? existing, created: false };
}
