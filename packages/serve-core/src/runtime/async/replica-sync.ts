import type { Logger } from "../../logger.js";
import type { ResolvedServeOptions } from "../../options.js";
import { isFinished, type Prediction } from "./prediction.js";
import { completionEvents } from "./prediction-record.js";
import type { PredictionStore } from "./prediction-store.js";
import type { PredictionWaiters } from "./prediction-waiters.js";
import type { PredictionWebhooks } from "./prediction-webhooks.js";
import { RedisPredictionStore } from "./redis-prediction-store.js";
import type { SharedPredictionState } from "./shared-prediction-state.js";

/** How often a wait for a prediction run by another replica reads the store. */
const SETTLED_POLL_MS = 250;

export interface ReplicaSyncOptions {
  shared: SharedPredictionState;
  /** This process's own copy of the predictions it accepted or runs. */
  store: PredictionStore;
  /** Aborts of the predictions this process runs, by id. */
  controllers: Map<string, AbortController>;
  /** Those waiting for a prediction to settle. */
  waiters: PredictionWaiters;
  webhooks: PredictionWebhooks;
  log: Logger;
}

/**
 * Keeps this replica's copy of the predictions it runs in step with the
 * shared store: writes their changes there in order, and stops one that was
 * canceled on another replica or taken over by one (its lease lapsed).
 *
 * @example
 * const sync = new ReplicaSync({ shared, store, controllers, waiters, log });
 * sync.write(processing); // the store's copy follows; a cancel elsewhere aborts it here
 */
export class ReplicaSync {
  private readonly options: ReplicaSyncOptions;

  constructor(options: ReplicaSyncOptions) {
    this.options = options;
  }

  /**
   * Writes a prediction's new state to the shared store, then runs
   * `written`; when it had finished there already (canceled on another
   * replica), this replica takes that state instead and stops running it.
   */
  write(prediction: Prediction, written?: () => void): void {
    const { shared, log, waiters } = this.options;
    void shared
      .write(prediction)
      .then(
        (finishedElsewhere) => {
          if (finishedElsewhere) this.adopt(finishedElsewhere);
          else written?.();
        },
        (error: unknown) =>
          log.error(
            { err: error, prediction_id: prediction.id },
            "could not write a prediction update to the store",
          ),
      )
      .finally(() => {
        if (isFinished(prediction.status)) waiters.wake(prediction.id);
      });
  }

  /**
   * Records a prediction this replica finished, and sends its webhook once
   * that is written (a cancel on another replica may have finished it
   * first). `stopping`: nothing is written; the replica that takes it over re-runs it.
   */
  finished(prediction: Prediction, stopping: boolean): void {
    const { waiters, webhooks } = this.options;
    if (stopping) waiters.wake(prediction.id);
    else this.write(prediction, () => webhooks.notify(prediction, completionEvents(prediction)));
  }

  /** Cancels a prediction whichever replica runs it (that one hears of it and stops); the webhook goes from here. */
  async cancel(id: string): Promise<Prediction | undefined> {
    const { shared, webhooks } = this.options;
    const result = await shared.cancel(id);
    if (result?.changed) webhooks.notify(result.prediction, completionEvents(result.prediction));
    return result?.prediction;
  }

  /**
   * Fails a prediction of model-version `owner`, which this replica does not
   * serve, whose replica died with no other of that model-version to take it over.
   */
  async failOrphan(id: string, owner: string): Promise<void> {
    const { shared, webhooks, log } = this.options;
    const error = `the replica running it stopped and no replica serving ${owner} took it over; start one that serves it and create the prediction again`;
    const result = await shared.fail(id, error).catch((err: unknown) => {
      log.warn({ err, prediction_id: id }, "could not fail an orphaned prediction");
      return undefined;
    });
    if (!result?.changed) return;
    log.warn({ prediction_id: id, model: owner }, "failed a prediction no replica can run");
    webhooks.notify(result.prediction, completionEvents(result.prediction));
  }

  /** Resolves once a prediction another replica runs has finished (or is forgotten), polling the store. */
  async settled(id: string): Promise<Prediction | undefined> {
    for (;;) {
      const stored = await this.options.shared.read(id);
      if (!stored || isFinished(stored.status)) return stored;
      await new Promise((r) => setTimeout(r, SETTLED_POLL_MS));
    }
  }

  /** A prediction this replica runs was canceled or taken over elsewhere: stop it, keep the store's state. */
  async lose(id: string): Promise<void> {
    const { shared, controllers, store, waiters } = this.options;
    const stored = await shared.read(id).catch(() => undefined);
    if (stored && isFinished(stored.status)) {
      this.adopt(stored);
      return;
    }
    controllers.get(id)?.abort(new Error(`prediction ${id} is run by another replica now`));
    store.delete(id);
    waiters.wake(id);
  }

  private adopt(stored: Prediction): void {
    const { controllers, store, waiters } = this.options;
    store.set(stored);
    controllers.get(stored.id)?.abort(new Error(`prediction ${stored.id} was canceled`));
    waiters.wake(stored.id);
  }
}

/**
 * The Redis store of `options.store` and the {@link ReplicaSync} over it: a
 * prediction whose lease lapsed elsewhere goes to `reclaimed` to run here.
 *
 * @example
 * const { shared, sync } = shareThroughRedis({ options, model: "echo@1", log, store, controllers, waiters, reclaimed: (p) => rerun(p) });
 */
export function shareThroughRedis(
  args: Omit<ReplicaSyncOptions, "shared"> & {
    options: ResolvedServeOptions;
    model: string;
    reclaimed: (prediction: Prediction) => void;
  },
): { shared: SharedPredictionState; sync: ReplicaSync } {
  const { options, model, log, reclaimed } = args;
  let sync: ReplicaSync | undefined;
  const shared = new RedisPredictionStore({
    url: options.store,
    model,
    retentionMs: options.predictionRetentionMs,
    leaseMs: options.storeLeaseMs,
    reclaimIntervalMs: options.storeReclaimIntervalMs,
    log,
    events: {
      reclaimed,
      lost: (id) => void sync?.lose(id),
      orphaned: (prediction, owner) => void sync?.failOrphan(prediction.id, owner),
    },
  });
  sync = new ReplicaSync({ ...args, shared });
  return { shared, sync };
}
