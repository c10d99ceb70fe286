import { ServeError } from "../../errors.js";
import type { Logger } from "../../logger.js";
import type { ResolvedServeOptions } from "../../options.js";
import type { Prediction, WebhookEvent } from "./prediction.js";
import { WebhookEgress } from "./webhook-egress.js";
import { WebhookSender } from "./webhook-sender.js";

export interface PredictionWebhooksOptions {
  options: Pick<ResolvedServeOptions, "webhookAllowHosts" | "webhookDenyHosts" | "webhookRetry">;
  log: Logger;
  /** For tests. @default globalThis.fetch */
  fetch?: typeof fetch | undefined;
}

/**
 * The webhooks of async predictions: which URLs may be called (egress rules),
 * which events a prediction's filter lets through, delivery with retries.
 */
export class PredictionWebhooks {
  private readonly egress: WebhookEgress;
  private readonly sender: WebhookSender;
  private readonly log: Logger;

  constructor({ options, log, fetch }: PredictionWebhooksOptions) {
    this.log = log;
    this.egress = new WebhookEgress({
      allowHosts: options.webhookAllowHosts,
      denyHosts: options.webhookDenyHosts,
    });
    this.sender = new WebhookSender({ ...options.webhookRetry, log, egress: this.egress, fetch });
  }

  /** Throws 422 when `url` may not be called (egress rules), naming why. */
  async assertAllowed(url: string): Promise<void> {
    const refusal = await this.egress.refusal(url);
    if (refusal === undefined) return;
    throw new ServeError("INVALID_INPUT", `\`webhook\` is not allowed: ${refusal}`, {
      details: [{ path: ["webhook"], message: refusal }],
    });
  }

  /** One delivery when any of `events` passes the prediction's filter. */
  notify(prediction: Prediction, events: WebhookEvent[]): void {
    if (prediction.webhook === undefined) return;
    const filter = prediction.webhook_events_filter ?? [];
    if (!events.some((e) => filter.includes(e))) return;
    try {
      this.sender.send(prediction.id, prediction.webhook, prediction);
    } catch (error) {
      // E.g. a prediction JSON cannot represent: the prediction itself goes on.
      this.log.warn(
        { err: error, prediction_id: prediction.id },
        "webhook not sent: the prediction could not be serialized",
      );
    }
  }

  /** Waits for pending deliveries, up to `graceMs`; false if some were still pending. */
  flush(graceMs: number): Promise<boolean> {
    return this.sender.flush(graceMs);
  }
}
