import { z } from "@hono/zod-openapi";
import type { AnyPredictor } from "../../predictor.js";
import { WEBHOOK_EVENTS } from "../../runtime/async/prediction.js";
import { predictionSchemas } from "./prediction-schemas.js";

/** `webhook` and `webhook_events_filter`, as Cog takes them. */
export const WebhookFields = {
  webhook: z
    .url({ protocol: /^https?$/, error: "`webhook` must be an http(s) URL" })
    .optional()
    .openapi({ description: "URL POSTed the prediction object on the events below" }),
  webhook_events_filter: z
    .array(z.enum(WEBHOOK_EVENTS))
    .min(1)
    .optional()
    .openapi({ description: "Events that trigger the webhook; default all" }),
};

/** Whether a request asked for an async answer (`Prefer: respond-async`, RFC 7240). */
export function prefersAsync(prefer: string | undefined): boolean {
  return prefer !== undefined && /(^|[\s,;])respond-async([\s,;=]|$)/i.test(prefer);
}

/** The URL of the predictions collection a request was sent to, e.g. `http://host/predictions`. */
export function collectionUrl(requestUrl: string): string {
  const url = new URL(requestUrl);
  const at = url.pathname.lastIndexOf("/predictions");
  return `${url.origin}${url.pathname.slice(0, at + "/predictions".length)}`;
}

const cache = new WeakMap<AnyPredictor, Map<string, ReturnType<typeof buildSchema>>>();

/** The async prediction object of GET/PUT/cancel and webhooks, typed by the predictor; built once per suffix. */
export function asyncPredictionSchema(predictor: AnyPredictor, suffix = "") {
  const bySuffix = cache.get(predictor) ?? new Map();
  cache.set(predictor, bySuffix);
  let schema = bySuffix.get(suffix);
  if (!schema) {
    schema = buildSchema(predictor, suffix);
    bySuffix.set(suffix, schema);
  }
  return schema;
}

function buildSchema(predictor: AnyPredictor, suffix: string) {
  const { output } = predictionSchemas(predictor, suffix);
  return z
    .object({
      id: z.string(),
      status: z.enum(["starting", "processing", "succeeded", "failed", "canceled"]),
      input: z.record(z.string(), z.unknown()).nullable().openapi({
        description:
          "The input fields the predictor takes, as sent; `null` once a finished prediction's input was forgotten (`asyncRetainedInputBytes`)",
      }),
      output: output.nullable(),
      error: z.string().nullable(),
      logs: z.string(),
      metrics: z.object({ predict_time: z.number().optional() }),
      created_at: z.string(),
      started_at: z.string().nullable(),
      completed_at: z.string().nullable(),
      urls: z.object({ get: z.string(), cancel: z.string() }),
      webhook: z.string().optional(),
      webhook_events_filter: z.array(z.enum(WEBHOOK_EVENTS)).optional(),
    })
    .openapi(`AsyncPrediction${suffix}`);
}
