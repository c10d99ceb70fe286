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
  /**
   * Whether this process sends a prediction's `event` (`start` or
   * `completed`): with replicas sharing a store, only the first to claim it does.
   * @default every event is sent
   */
  claim?: ((id: string, event: WebhookEvent) => Promise<boolean>) | undefined;
}

/**
 * The webhooks of async predictions: which URLs may be called (egress rules),
 * which events a prediction's filter lets through, delivery with retries.
 */
export class PredictionWebhooks {
  private readonly egress: WebhookEgress;
  private readonly sender: WebhookSender;
  private readonly log: Logger;
  private readonly claim: PredictionWebhooksOptions["claim"];

  constructor({ options, log, fetch, claim }: PredictionWebhooksOptions) {
    this.log = log;
    this.claim = claim;
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

  /**
   * One delivery when any of `events` passes the prediction's filter (and,
   * with `claim`, once this process has claimed the first of them).
   */
  notify(prediction: Prediction, events: WebhookEvent[]): void {
    if (prediction.webhook === undefined) return;
    const filter = prediction.webhook_events_filter ?? [];
    if (!events.some((e) => filter.includes(e))) return;
    if (!this.claim) {
      this.send(prediction);
      return;
    }
    const event = events[0] ?? "completed";
    this.claim(prediction.id, event).then(
      (claimed) => {
        if (claimed) this.send(prediction);
      },
      (error: unknown) =>
        this.log.warn(
          { err: error, prediction_id: prediction.id },
          `webhook not sent: could not claim its ${event} event`,
        ),
    );
  }

  private send(prediction: Prediction): void {
    const webhook = prediction.webhook!;
    try {
      this.sender.send(prediction.id, webhook, prediction);
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
