/** Where an async prediction is: the first two are running, the last three final. */
export type PredictionStatus = "starting" | "processing" | "succeeded" | "failed" | "canceled";

/** Webhook events a client can ask for, as Cog names them. */
export const WEBHOOK_EVENTS = ["start", "output", "logs", "completed"] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** An async prediction as clients see it (GET, webhooks) and as the journal stores it. */
export interface Prediction {
  id: string;
  status: PredictionStatus;
  /**
   * The fields of the request's input that the predictor's schema takes, as
   * sent (base64 strings, not decoded bytes), so it can be re-run. `null` once
   * a finished prediction's input was forgotten to stay within
   * `asyncRetainedInputBytes`.
   */
  input: Record<string, unknown> | null;
  output: unknown;
  error: string | null;
  logs: string;
  metrics: { predict_time?: number };
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  urls: { get: string; cancel: string };
  webhook?: string;
  webhook_events_filter?: WebhookEvent[];
}

/** Whether a prediction has reached a final state. */
export function isFinished(status: PredictionStatus): boolean {
  switch (status) {
    case "starting":
    case "processing":
      return false;
    case "succeeded":
    case "failed":
    case "canceled":
      return true;
    default: {
      const never: never = status;
      throw new Error(`unknown prediction status ${never}`);
    }
  }
}
