import { isDeepStrictEqual } from "node:util";
import { ServeError } from "../../errors.js";
import { invalidInputError } from "../../input/validation-issues.js";
import type { Logger } from "../../logger.js";
import type { ResolvedServeOptions } from "../../options.js";
import type { AnyPredictor } from "../../predictor.js";
import type { PredictionService } from "../prediction-service.js";
import { acceptedInput } from "./accepted-input.js";
import { isFinished, type Prediction, type WebhookEvent } from "./prediction.js";
import { PredictionJournal } from "./prediction-journal.js";
import { PredictionStore } from "./prediction-store.js";
import { WebhookEgress } from "./webhook-egress.js";
import { WebhookSender } from "./webhook-sender.js";

/** The error of a prediction the server could not re-run after a restart. */
export const RESTARTED_ERROR = "server restarted before the prediction finished";

/** How long to wait before offering a prediction to a full queue again. */
const REQUEUE_DELAY_MS = 200;

export interface AsyncPredictionsDeps {
  predictor: AnyPredictor;
  service: PredictionService;
  options: ResolvedServeOptions;
  log: Logger;
  /** Resolves when setup has finished; replayed predictions wait for it. */
  ready: Promise<void>;
  /** For tests. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** For tests: when the journal compacts itself while running. */
  journalCompactAtBytes?: number;
}

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

/**
 * Cog-style async predictions: accepted at once, run through the
 * {@link PredictionService} in the background, readable by id, cancellable,
 * reported to webhooks, and (with `journalDir`) journaled so a restart re-runs
 * what a crash interrupted.
 */
export class AsyncPredictions {
  private readonly deps: AsyncPredictionsDeps;
  private readonly store: PredictionStore;
  private readonly webhooks: WebhookSender;
  private readonly egress: WebhookEgress;
  private readonly journal: PredictionJournal | undefined;
  private readonly controllers = new Map<string, AbortController>();
  private readonly waiters = new Map<string, (() => void)[]>();
  private stopping = false;

  constructor(deps: AsyncPredictionsDeps) {
    this.deps = deps;
    const { options, log } = deps;
    this.store = new PredictionStore({
      retentionMs: options.predictionRetentionMs,
      maxFinished: options.maxRetainedPredictions,
      inputBudgetBytes: options.asyncRetainedInputBytes,
    });
    this.egress = new WebhookEgress({
      allowHosts: options.webhookAllowHosts,
      denyHosts: options.webhookDenyHosts,
    });
    this.webhooks = new WebhookSender({
      ...options.webhookRetry,
      log,
      egress: this.egress,
      fetch: deps.fetch,
    });
    if (options.journalDir === undefined) return;
    const opened = PredictionJournal.open({
      dir: options.journalDir,
      log,
      compactAtBytes: deps.journalCompactAtBytes,
      // Folded straight into the store, so its limits hold while replaying a large journal.
      replay: (entry) => {
        if (entry.op === "create") {
          this.store.set(entry.prediction);
          return true;
        }
        const current = this.store.get(entry.id);
        if (current) this.store.set({ ...current, ...entry.changes });
        return current !== undefined;
      },
      snapshot: () => this.store.all(),
    });
    this.journal = opened.journal;
    const kept = this.store.all();
    const unfinished = kept.filter((p) => !isFinished(p.status));
    log.info(
      {
        journal: options.journalDir,
        kept: kept.length,
        rerun: unfinished.length,
        skipped_lines: opened.skippedLines,
      },
      "async prediction journal replayed",
    );
    for (const prediction of unfinished) this.rerun(prediction);
  }

  get(id: string): Prediction | undefined {
    return this.store.get(id);
  }

  /**
   * Accepts a prediction: validates it, writes it to the journal (fsync'd),
   * and starts it. An id seen before returns that prediction when the input is
   * the same, and throws CONFLICT when it differs.
   */
  async create(
    request: AsyncPredictionRequest,
  ): Promise<{ prediction: Prediction; created: boolean }> {
    const parsed = await this.deps.predictor.input.safeParseAsync(request.input);
    if (!parsed.success) throw invalidInputError(parsed.error, ["input"]);
    // Only what the schema takes is kept, journaled and echoed: never fields it ignores.
    const input = acceptedInput(request.input, parsed.data);
    // Before the id lookup: from there to the store there is no await, so two
    // concurrent PUTs of one id cannot both create it.
    if (request.webhook !== undefined) {
      const refusal = await this.egress.refusal(request.webhook);
      if (refusal !== undefined) {
        throw new ServeError("INVALID_INPUT", `\`webhook\` is not allowed: ${refusal}`, {
          details: [{ path: ["webhook"], message: refusal }],
        });
      }
    }
    const existing = this.store.get(request.id);
    if (existing) {
      // A forgotten input (`null`) cannot be compared: the id answers with what it has.
      if (existing.input !== null && !isDeepStrictEqual(existing.input, input)) {
        throw new ServeError(
          "CONFLICT",
          `prediction ${request.id} already exists with a different input; use a new id, or send the same input to read it back`,
        );
      }
      return { prediction: existing, created: false };
    }
    this.assertAccepting();
    this.assertInputBudget(input);
    const prediction: Prediction = {
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
      urls: {
        get: `${request.collectionUrl}/${encodeURIComponent(request.id)}`,
        cancel: `${request.collectionUrl}/${encodeURIComponent(request.id)}/cancel`,
      },
      ...(request.webhook === undefined
        ? {}
        : {
            webhook: request.webhook,
            webhook_events_filter: request.webhookEventsFilter ?? [
              "start",
              "output",
              "logs",
              "completed",
            ],
          }),
    };
    // In the store before the fsync, so a concurrent PUT with this id finds it.
    this.store.set(prediction);
    try {
      await this.journal?.append({ op: "create", prediction });
    } catch (error) {
      this.store.delete(prediction.id);
      throw journalWriteError(error);
    }
    try {
      this.notify(prediction, ["start"]);
      this.run(prediction, parsed.data, request.requestId);
    } catch (error) {
      // Accepted but it cannot start: fail it rather than leave it "starting" for good.
      this.deps.log.error(
        { err: error, prediction_id: prediction.id },
        "async prediction could not start",
      );
      return {
        prediction: this.finish(prediction, {
          status: "failed",
          error: "internal error: the prediction could not start",
          completed_at: new Date().toISOString(),
        }),
        created: true,
      };
    }
    return { prediction, created: true };
  }

  /** Cancels a running prediction (aborting its signal); a finished one is returned as it is. */
  cancel(id: string): Prediction | undefined {
    const prediction = this.store.get(id);
    if (!prediction || isFinished(prediction.status)) return prediction;
    const updated = this.finish(prediction, {
      status: "canceled",
      completed_at: new Date().toISOString(),
    });
    this.controllers.get(id)?.abort(new Error(`prediction ${id} was canceled`));
    return updated;
  }

  /** Resolves with the prediction once it has finished (or been forgotten). */
  settled(id: string): Promise<Prediction | undefined> {
    const prediction = this.store.get(id);
    if (!prediction || isFinished(prediction.status)) return Promise.resolve(prediction);
    return new Promise((resolve) => {
      const list = this.waiters.get(id) ?? [];
      list.push(() => resolve(this.store.get(id)));
      this.waiters.set(id, list);
    });
  }

  /** Waits for pending webhook deliveries, up to `graceMs`; false if some were still pending. */
  flush(graceMs: number): Promise<boolean> {
    return this.webhooks.flush(graceMs);
  }

  /**
   * Stops recording: predictions still running from here on are left
   * unfinished in the journal, so the next start re-runs them. Closes the journal.
   */
  async close(): Promise<void> {
    this.stopping = true;
    await this.journal?.close();
  }

  private rerun(prediction: Prediction): void {
    const restarted: Prediction = { ...prediction, status: "starting" };
    this.store.set(restarted);
    // Unfinished inputs are never forgotten; a journal edited by hand may still lack one.
    const journaled =
      prediction.input === null
        ? Promise.resolve({ success: false as const })
        : this.deps.predictor.input.safeParseAsync(prediction.input);
    void journaled.then((parsed) => {
      if (parsed.success) return this.run(restarted, parsed.data, prediction.id);
      this.deps.log.warn(
        { prediction_id: prediction.id },
        "journaled input no longer matches the schema; marking the prediction failed",
      );
      this.finish(restarted, {
        status: "failed",
        error: `${RESTARTED_ERROR} (its input no longer matches the predictor's schema)`,
        completed_at: new Date().toISOString(),
      });
    });
  }

  private run(prediction: Prediction, input: unknown, requestId: string): void {
    const controller = new AbortController();
    this.controllers.set(prediction.id, controller);
    const { service, log } = this.deps;
    void (async () => {
      await this.deps.ready;
      let current = this.store.get(prediction.id) ?? prediction;
      if (isFinished(current.status)) return;
      current = this.update(current, { status: "processing" });
      for (;;) {
        if (controller.signal.aborted) return;
        try {
          const outcome = await service.predict(input, requestId, controller.signal);
          current = this.store.get(prediction.id) ?? current;
          if (isFinished(current.status)) return;
          this.finish(current, {
            status: "succeeded",
            output: outcome.output,
            logs: outcome.logs,
            metrics: {
              predict_time: (outcome.completedAt.getTime() - outcome.startedAt.getTime()) / 1000,
            },
            started_at: outcome.startedAt.toISOString(),
            completed_at: outcome.completedAt.toISOString(),
          });
          return;
        } catch (error) {
          current = this.store.get(prediction.id) ?? current;
          if (isFinished(current.status) || controller.signal.aborted) return;
          if (error instanceof ServeError && error.code === "OVERLOADED" && !this.stopping) {
            await new Promise((r) => setTimeout(r, REQUEUE_DELAY_MS));
            continue;
          }
          if (this.journal && (this.stopping || service.health().draining)) {
            log.info(
              { prediction_id: prediction.id },
              "shutting down: prediction left in the journal to re-run on start",
            );
            return;
          }
          this.finish(current, {
            status: "failed",
            error: error instanceof ServeError ? error.message : "internal error",
            completed_at: new Date().toISOString(),
          });
          return;
        }
      }
    })()
      .catch((error: unknown) =>
        log.error({ err: error, prediction_id: prediction.id }, "async prediction runner failed"),
      )
      .finally(() => this.controllers.delete(prediction.id));
  }

  /** Refuses new work the way the synchronous routes would (503 with Retry-After). */
  private assertAccepting(): void {
    const { service, options } = this.deps;
    const health = service.health();
    if (health.draining) {
      throw new ServeError("NOT_READY", "server is shutting down", { retryAfterSeconds: 1 });
    }
    if (health.status === "STARTING") {
      throw new ServeError(
        "NOT_READY",
        "predictor is still starting (setup running); retry shortly",
        {
          retryAfterSeconds: 1,
        },
      );
    }
    if (health.status === "SETUP_FAILED") {
      throw new ServeError(
        "NOT_READY",
        `predictor setup failed: ${health.setup.error ?? "see /health"}`,
      );
    }
    if (service.queued >= options.maxQueue && health.status === "BUSY") {
      throw new ServeError(
        "OVERLOADED",
        `queue is full (${options.maxQueue} waiting); retry shortly`,
        {
          retryAfterSeconds: 1,
        },
      );
    }
  }

  /**
   * Refuses a new prediction whose input cannot be written as JSON, or would
   * take unfinished inputs past `asyncRetainedInputBytes`.
   */
  private assertInputBudget(input: Record<string, unknown>): void {
    const budget = this.deps.options.asyncRetainedInputBytes;
    let bytes: number;
    try {
      bytes = this.store.sizeOf(input);
    } catch (error) {
      // What cannot be written as JSON cannot be journaled, echoed or sent to a webhook.
      throw new ServeError(
        "INVALID_INPUT",
        "`input` cannot be stored as JSON (nested too deeply?); send a flatter input",
        { cause: error },
      );
    }
    const unfinished = this.store.unfinishedInputBytes;
    if (unfinished + bytes > budget) {
      throw new ServeError(
        "OVERLOADED",
        `async predictions waiting to run already hold ${unfinished} bytes of input; this one (${bytes} bytes) would pass \`asyncRetainedInputBytes\` (${budget}); retry shortly`,
        { retryAfterSeconds: 5 },
      );
    }
  }

  private update(prediction: Prediction, changes: Partial<Prediction>): Prediction {
    const updated = { ...prediction, ...changes };
    this.store.set(updated);
    if (this.stopping) return updated; // the journal is closed: the next start re-runs it
    this.journal
      ?.append({ op: "update", id: prediction.id, changes })
      .catch((error: unknown) =>
        this.deps.log.error(
          { err: error, prediction_id: prediction.id },
          "could not journal a prediction update",
        ),
      );
    return updated;
  }

  private finish(prediction: Prediction, changes: Partial<Prediction>): Prediction {
    const updated = this.update(prediction, changes);
    const events: WebhookEvent[] = ["completed"];
    if (updated.output !== null) events.push("output");
    if (updated.logs !== "") events.push("logs");
    this.notify(updated, events);
    for (const wake of this.waiters.get(prediction.id) ?? []) wake();
    this.waiters.delete(prediction.id);
    return updated;
  }

  /** One delivery when any of `events` passes the prediction's filter. */
  private notify(prediction: Prediction, events: WebhookEvent[]): void {
    if (prediction.webhook === undefined) return;
    const filter = prediction.webhook_events_filter ?? [];
    if (!events.some((e) => filter.includes(e))) return;
    try {
      this.webhooks.send(prediction.id, prediction.webhook, prediction);
    } catch (error) {
      // E.g. a prediction JSON cannot represent: the prediction itself goes on.
      this.deps.log.warn(
        { err: error, prediction_id: prediction.id },
        "webhook not sent: the prediction could not be serialized",
      );
    }
  }
}

/** A journal that could not be written: 503 to retry when the disk is full, else 500. */
function journalWriteError(error: unknown): ServeError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOSPC" || code === "EDQUOT") {
    return new ServeError(
      "OVERLOADED",
      `could not write the prediction journal: its disk is full (${code}); retry later`,
      { cause: error, retryAfterSeconds: 30 },
    );
  }
  return new ServeError("INTERNAL", "could not write the prediction journal", { cause: error });
}
