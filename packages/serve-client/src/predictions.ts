import { callSignal } from "./call-signal.js";
import { type ClientContext, callHeaders, encodeFor, runCall } from "./client-context.js";
import { sleep } from "./retry-policy.js";
import type { CallOptions, InputOf, OutputOf, Prediction, PredictionStatus } from "./types.js";

/** Options of {@link Predictions.create}. */
export interface CreatePredictionOptions extends CallOptions {
  /**
   * Your id for the prediction: sent as `PUT /predictions/{id}`, which is
   * idempotent, so it is retried after a broken connection too. Without one
   * the server picks an id (`POST`), retried only when the server refused it.
   */
  id?: string;
  /** An http(s) URL the server POSTs the prediction to on its events. */
  webhook?: string;
  /** Which events reach the webhook. @default all */
  webhookEventsFilter?: ("start" | "output" | "logs" | "completed")[];
}

/** Options of {@link Predictions.wait}. */
export interface WaitOptions {
  /** First pause between polls; grows by half each poll. @default 250 */
  intervalMs?: number;
  /** Longest pause between polls. @default 2000 */
  maxIntervalMs?: number;
  /** Give up waiting after this long: a `ServekitTimeoutError` (the prediction goes on). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

const FINAL: ReadonlySet<PredictionStatus> = new Set(["succeeded", "failed", "canceled"]);

/** Whether a prediction has finished (`succeeded`, `failed` or `canceled`). */
export function isFinished(prediction: Prediction<unknown>): boolean {
  return FINAL.has(prediction.status);
}

/**
 * Async predictions (`/predictions`, Cog's envelope): created at once (202),
 * run in the background, read back by id. Inputs go as JSON with files in
 * base64, the only form the server journals.
 */
export class Predictions<P = unknown> {
  constructor(
    private readonly context: ClientContext,
    private readonly pathPrefix: string,
  ) {}

  /**
   * Starts a prediction and returns it at once (`status: "starting"`).
   *
   * @example
   * const prediction = await client.predictions.create({ name: "Ada" }, { webhook: "https://example.com/hook" });
   */
  async create(
    input: InputOf<P>,
    options: CreatePredictionOptions = {},
  ): Promise<Prediction<OutputOf<P>>> {
    const { id, webhook, webhookEventsFilter } = options;
    const path =
      id === undefined
        ? `${this.pathPrefix}/predictions`
        : `${this.pathPrefix}/predictions/${encodeURIComponent(id)}`;
    const call = callSignal(options, "creating a prediction");
    return runCall(call, this.context.transport.url(path), async (signal) => {
      const encoded = await encodeFor(this.context, input, `${this.pathPrefix}/predict`, "json");
      if (encoded.kind !== "json") throw new Error("async inputs are always JSON");
      const body = JSON.stringify({
        input: encoded.value,
        ...(webhook ? { webhook } : {}),
        ...(webhookEventsFilter ? { webhook_events_filter: webhookEventsFilter } : {}),
      });
      const response = await this.context.transport.send({
        method: id === undefined ? "POST" : "PUT",
        path,
        body,
        headers: callHeaders(options, { prefer: "respond-async" }),
        retry: id === undefined ? "refused" : "safe",
        signal,
      });
      return (await response.json()) as Prediction<OutputOf<P>>;
    });
  }

  /**
   * The prediction as it is now; a `ServekitError` 404 once the server forgot it.
   *
   * @example
   * const { status, output } = await client.predictions.get(id);
   */
  async get(id: string, options: CallOptions = {}): Promise<Prediction<OutputOf<P>>> {
    return this.request("GET", `/predictions/${encodeURIComponent(id)}`, options);
  }

  /**
   * Cancels a queued or running prediction; a finished one comes back unchanged.
   *
   * @example
   * const { status } = await client.predictions.cancel(id); // "canceled"
   */
  async cancel(id: string, options: CallOptions = {}): Promise<Prediction<OutputOf<P>>> {
    return this.request("POST", `/predictions/${encodeURIComponent(id)}/cancel`, options);
  }

  /**
   * Polls until the prediction has finished and returns it, whatever its
   * final status: check `status` (`succeeded`, `failed` with `error`, `canceled`).
   *
   * @example
   * const done = await client.predictions.wait(prediction, { timeoutMs: 60_000 });
   * if (done.status === "succeeded") console.log(done.output);
   */
  async wait(
    prediction: string | Prediction<OutputOf<P>>,
    options: WaitOptions = {},
  ): Promise<Prediction<OutputOf<P>>> {
    if (typeof prediction !== "string" && isFinished(prediction)) return prediction;
    const id = typeof prediction === "string" ? prediction : prediction.id;
    const maxInterval = options.maxIntervalMs ?? 2_000;
    let interval = Math.min(options.intervalMs ?? 250, maxInterval);
    const call = callSignal(options, `waiting for prediction ${id}`);
    return runCall(call, this.context.transport.url(`/predictions/${id}`), async (signal) => {
      for (;;) {
        const current = await this.get(id, { signal });
        if (isFinished(current)) return current;
        await sleep(interval, signal);
        interval = Math.min(maxInterval, interval * 1.5);
      }
    });
  }

  /**
   * `create` then `wait`: runs a prediction in the background and returns it finished.
   *
   * @example
   * const { output } = await client.predictions.run({ name: "Ada" });
   */
  async run(
    input: InputOf<P>,
    options: CreatePredictionOptions & Pick<WaitOptions, "intervalMs" | "maxIntervalMs"> = {},
  ): Promise<Prediction<OutputOf<P>>> {
    const call = callSignal(options, "running a prediction");
    return runCall(
      call,
      this.context.transport.url(`${this.pathPrefix}/predictions`),
      async (signal) => {
        const { timeoutMs: _, ...rest } = options;
        const created = await this.create(input, { ...rest, signal });
        return this.wait(created, { ...rest, signal });
      },
    );
  }

  private async request(
    method: "GET" | "POST",
    subPath: string,
    options: CallOptions,
  ): Promise<Prediction<OutputOf<P>>> {
    const path = `${this.pathPrefix}${subPath}`;
    const call = callSignal(options, `${method} ${path}`);
    return runCall(call, this.context.transport.url(path), async (signal) => {
      const response = await this.context.transport.send({
        method,
        path,
        headers: callHeaders(options),
        retry: "safe",
        signal,
      });
      return (await response.json()) as Prediction<OutputOf<P>>;
    });
  }
}
