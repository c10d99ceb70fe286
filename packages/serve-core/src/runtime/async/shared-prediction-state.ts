import type { Prediction } from "./prediction.js";

/** What the shared state tells the replica's async predictions. */
export interface SharedPredictionEvents {
  /** Another replica's lease on `prediction` expired and this one took it over: run it. */
  reclaimed(prediction: Prediction): void;
  /**
   * A prediction this replica runs is no longer its own: canceled (on any
   * replica), or its lease lapsed and another replica took it over.
   */
  lost(id: string): void;
  /**
   * A prediction of a model-version (`model`) this replica does not serve
   * lost its replica, and none that serves it took it over: fail it.
   */
  orphaned(prediction: Prediction, model: string): void;
}

/**
 * Async predictions kept where every replica sees them (`store:
 * "redis://…"`): records by id, a lease on each running one held by the
 * replica that runs it, and a claim on each webhook event. The in-memory
 * store and journal are the single-process alternative; `AsyncPredictions`
 * uses either.
 */
export interface SharedPredictionState {
  /**
   * Stores a just-accepted prediction, leased to this replica (renewed while
   * it runs); resolves with the prediction stored under its id already, if any
   * (then nothing was stored).
   */
  insert(prediction: Prediction): Promise<Prediction | undefined>;
  /** The prediction with this id, whichever replica accepted it. */
  read(id: string): Promise<Prediction | undefined>;
  /**
   * Writes a running prediction's new state; a finished one starts its
   * retention and frees its lease. Resolves with the stored prediction
   * instead when that had already finished (canceled elsewhere): `next` was
   * not written.
   */
  write(next: Prediction): Promise<Prediction | undefined>;
  /**
   * Marks a running prediction canceled and tells the replica running it (if
   * any);
   * resolves with the prediction after (`changed` false when it had already
   * finished), or undefined for an unknown id.
   */
  cancel(id: string): Promise<{ prediction: Prediction; changed: boolean } | undefined>;
  /** Marks a running prediction failed with `error`, as {@link cancel} does canceled. */
  fail(
    id: string,
    error: string,
  ): Promise<{ prediction: Prediction; changed: boolean } | undefined>;
  /** True for the first caller across all replicas for this prediction and event; false after. */
  claimEvent(id: string, event: string): Promise<boolean>;
  /**
   * Stops renewing leases and gives back those still held (another replica
   * takes their predictions over at its next sweep), then disconnects.
   */
  close(): Promise<void>;
}
