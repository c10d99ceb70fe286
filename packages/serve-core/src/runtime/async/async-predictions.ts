import { ServeError } from "../../errors.js";
import { acceptedInput } from "../../input/accepted-input.js";
import type { Logger } from "../../logger.js";
import type { ResolvedServeOptions } from "../../options.js";
import type { Admission } from "../admission.js";
import type { PredictionOutcome, PredictOptions } from "../runtime-types.js";
import { journalWriteError, replayJournal } from "./journal-replay.js";
import { isFinished, type Prediction } from "./prediction.js";
import type { PredictionJournal } from "./prediction-journal.js";
import {
  type AsyncPredictionRequest,
  completionEvents,
  predictionRecord,
  sameInput,
  succeededFields,
} from "./prediction-record.js";
import { PredictionStore } from "./prediction-store.js";
import { PredictionWaiters } from "./prediction-waiters.js";
import { PredictionWebhooks } from "./prediction-webhooks.js";
import { type ReplicaSync, shareThroughRedis } from "./replica-sync.js";
import type { SharedPredictionState } from "./shared-prediction-state.js";

export type { AsyncPredictionRequest } from "./prediction-record.js";

/** The error of a prediction the server could not re-run after a restart. */
export const RESTARTED_ERROR = "server restarted before the prediction finished";

export interface AsyncPredictionsDeps {
  /** Validates an input (the model runtime's `parseInput`): 422 naming each wrong field under `path`. */
  parseInput: (raw: unknown, path?: (string | number)[]) => Promise<unknown>;
  /** Runs one prediction (the model runtime's `predict`); accepted ones wait in its queue. */
  predict: (input: unknown, options: PredictOptions) => Promise<PredictionOutcome>;
  /** Refuses a new prediction the way a synchronous one would be refused now. */
  admission: Pick<Admission, "refuseWhenFull" | "draining">;
  options: ResolvedServeOptions;
  log: Logger;
  /** Resolves when setup has finished; replayed predictions wait for it. */
  ready: Promise<void>;
  /** For tests. @default globalThis.fetch */
  fetch?: typeof fetch | undefined;
  /** For tests: when the journal compacts itself while running. */
  journalCompactAtBytes?: number | undefined;
  /** `name@version`: with a Redis `store`, only runtimes of it take over its predictions. @default "default" */
  model?: string | undefined;
}

/**
 * Cog-style async predictions: accepted at once, run in the background through the model runtime's
 * queue (never refused once accepted), readable by id, cancellable, reported to webhooks, and journaled
 * (`journalDir`) so a restart re-runs what a crash cut short, or shared by replicas (Redis `store`).
 */
export class AsyncPredictions {
  private readonly deps: AsyncPredictionsDeps;
  private readonly store: PredictionStore;
  private readonly webhooks: PredictionWebhooks;
  private readonly journal: PredictionJournal | undefined;
  private readonly shared: SharedPredictionState | undefined;
  private readonly sync: ReplicaSync | undefined;
  private readonly controllers = new Map<string, AbortController>();
  private readonly waiters = new PredictionWaiters();
  private stopping = false;

  constructor(deps: AsyncPredictionsDeps) {
    this.deps = deps;
    const { options, log } = deps;
    this.store = new PredictionStore({
      retentionMs: options.predictionRetentionMs,
      maxFinished: options.maxRetainedPredictions,
      inputBudgetBytes: options.asyncRetainedInputBytes,
    });
    this.webhooks = new PredictionWebhooks({
      options,
      log,
      fetch: deps.fetch,
      // With a shared store, each event goes out from the first replica to claim it.
      claim: options.store === "memory" ? undefined : (id, e) => this.shared!.claimEvent(id, e),
    });
    if (options.store !== "memory") {
      const { store, controllers, waiters, webhooks } = this;
      const replicas = shareThroughRedis({
        ...{ options, log, store, controllers, waiters, webhooks },
        model: deps.model ?? "default",
        reclaimed: (p) => this.rerun(p),
      });
      this.shared = replicas.shared;
      this.sync = replicas.sync;
      return;
    }
    if (options.journalDir === undefined) return;
    const { journal, unfinished } = replayJournal({
      dir: options.journalDir,
      log,
      store: this.store,
      compactAtBytes: deps.journalCompactAtBytes,
    });
    this.journal = journal;
    for (const prediction of unfinished) this.rerun(prediction);
  }

  /** The prediction with this id as this process knows it (see {@link read}), kept `predictionRetentionMs` once finished. */
  get(id: string): Prediction | undefined {
    return this.store.get(id);
  }

  /** The prediction with this id, from the shared store when there is one (any replica's), else as {@link get}. */
  async read(id: string): Promise<Prediction | undefined> {
    return this.shared ? this.shared.read(id) : this.store.get(id);
  }

  /** {@link cancel}, for a prediction any replica may run when the store is shared. */
  async cancelAnywhere(id: string): Promise<Prediction | undefined> {
    return this.sync ? this.sync.cancel(id) : this.cancel(id);
  }

  /**
   * Accepts a prediction: validates it, writes it to the journal (fsync'd) or the
   * shared store, and starts it. An id seen before returns that prediction when the input is
   * the same, and throws CONFLICT when it differs.
   */
  async create(
    request: AsyncPredictionRequest,
  ): Promise<{ prediction: Prediction; created: boolean }> {
    const parsed = await this.deps.parseInput(request.input, ["input"]);
    // Only what the schema takes is kept, journaled and echoed: never fields it ignores.
    const input = acceptedInput(request.input, parsed);
    // Before the id lookup: from there to the store there is no await, so two
    // concurrent PUTs of one id cannot both create it.
    if (request.webhook !== undefined) await this.webhooks.assertAllowed(request.webhook);
    const existing = this.store.get(request.id);
    if (existing) return sameInput(existing, input, await this.shared?.read(existing.id));
    this.deps.admission.refuseWhenFull();
    this.store.assertRoomFor(input);
    const prediction = predictionRecord(request, input);
    // In the store before the fsync, so a concurrent PUT with this id finds it.
    this.store.set(prediction);
    let elsewhere: Prediction | undefined;
    try {
      if (this.shared) elsewhere = await this.shared.insert(prediction);
      else await this.journal?.append({ op: "create", prediction });
    } catch (error) {
      this.store.delete(prediction.id);
      throw this.shared ? error : journalWriteError(error);
    }
    if (elsewhere) {
      // Another replica accepted this id first: it runs it.
      this.store.delete(prediction.id);
      return sameInput(elsewhere, input);
    }
    try {
      this.webhooks.notify(prediction, ["start"]);
      this.run(prediction, parsed, request.requestId);
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

  /** Resolves with the prediction once it has finished (or been forgotten), on whichever replica runs it. */
  settled(id: string): Promise<Prediction | undefined> {
    const prediction = this.store.get(id);
    if (!prediction && this.sync) return this.sync.settled(id);
    if (!prediction || isFinished(prediction.status)) return Promise.resolve(prediction);
    return this.waiters.wait(id, () => this.store.get(id));
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
    await this.shared?.close();
  }

  private rerun(prediction: Prediction): void {
    const restarted: Prediction = { ...prediction, status: "starting" };
    this.store.set(restarted);
    // Unfinished inputs are never forgotten; a journal edited by hand may still lack one.
    const journaled =
      prediction.input === null
        ? Promise.reject(new Error("no input"))
        : this.deps.parseInput(prediction.input);
    void journaled.then(
      (input) => this.run(restarted, input, prediction.id),
      () => {
        this.deps.log.warn(
          { prediction_id: prediction.id },
          "journaled input no longer matches the schema; marking the prediction failed",
        );
        this.finish(restarted, {
          status: "failed",
          error: `${RESTARTED_ERROR} (its input no longer matches the predictor's schema)`,
          completed_at: new Date().toISOString(),
        });
      },
    );
  }

  private run(prediction: Prediction, input: unknown, requestId: string): void {
    const controller = new AbortController();
    this.controllers.set(prediction.id, controller);
    const { predict, admission, log } = this.deps;
    void (async () => {
      await this.deps.ready;
      let current = this.store.get(prediction.id) ?? prediction;
      if (isFinished(current.status)) return;
      current = this.update(current, { status: "processing" });
      try {
        // Accepted: it waits in the queue for its turn, however long; cancel takes it out.
        const outcome = await predict(input, {
          requestId,
          signal: controller.signal,
          accepted: true,
        });
        current = this.store.get(prediction.id) ?? current;
        if (isFinished(current.status)) return;
        this.finish(current, succeededFields(outcome));
      } catch (error) {
        current = this.store.get(prediction.id) ?? current;
        if (isFinished(current.status) || controller.signal.aborted) return;
        if ((this.journal || this.shared) && (this.stopping || admission.draining)) {
          log.info(
            { prediction_id: prediction.id },
            "shutting down: prediction left unfinished, to re-run on start or on another replica",
          );
          return;
        }
        this.finish(current, {
          status: "failed",
          error: error instanceof ServeError ? error.message : "internal error",
          completed_at: new Date().toISOString(),
        });
      }
    })()
      .catch((error: unknown) =>
        log.error({ err: error, prediction_id: prediction.id }, "async prediction runner failed"),
      )
      .finally(() => this.controllers.delete(prediction.id));
  }

  private update(prediction: Prediction, changes: Partial<Prediction>): Prediction {
    const updated = { ...prediction, ...changes };
    this.store.set(updated);
    if (this.stopping) return updated; // the journal is closed: the next start re-runs it
    if (this.sync) {
      if (!isFinished(updated.status)) this.sync.write(updated);
      return updated;
    }
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
    if (this.sync) {
      this.sync.finished(updated, this.stopping);
      return updated;
    }
    this.webhooks.notify(updated, completionEvents(updated));
    this.waiters.wake(prediction.id);
    return updated;
  }
}
