import { ServeError } from "../../errors.js";
import { isFinished, type Prediction } from "./prediction.js";

export interface PredictionStoreOptions {
  /** How long a finished prediction is kept. */
  retentionMs: number;
  /** Most finished predictions kept; the oldest go first. */
  maxFinished: number;
  /**
   * Bytes of input (as JSON) kept across all predictions. Beyond it, the
   * oldest finished predictions forget their input (`input: null`); running
   * ones keep theirs, and {@link PredictionStore.assertRoomFor} refuses new
   * ones that would pass it.
   */
  inputBudgetBytes: number;
  now?: () => number;
}

/**
 * Async predictions by id. Running ones are kept until they finish; finished
 * ones for `retentionMs` and at most `maxFinished` of them, with at most
 * `inputBudgetBytes` of inputs, so memory stays bounded.
 */
export class PredictionStore {
  private readonly byId = new Map<string, Prediction>();
  /** Finished ids in the order they finished, with when. */
  private readonly finished = new Map<string, number>();
  /** Bytes of each kept input, by id. */
  private readonly inputBytes = new Map<string, number>();
  /** Sizes already measured, by input object (updates reuse the object). */
  private readonly measured = new WeakMap<object, number>();
  private totalInputBytes = 0;
  private unfinishedBytes = 0;
  private readonly options: PredictionStoreOptions;
  private readonly now: () => number;

  constructor(options: PredictionStoreOptions) {
    this.options = options;
    this.now = options.now ?? Date.now;
  }

  get(id: string): Prediction | undefined {
    this.prune();
    return this.byId.get(id);
  }

  /** Adds or replaces a prediction; a finished one starts its retention (from `completed_at`). */
  set(prediction: Prediction): void {
    this.forgetBytes(prediction.id);
    this.byId.set(prediction.id, prediction);
    if (prediction.input !== null) {
      const bytes = this.sizeOf(prediction.input);
      this.inputBytes.set(prediction.id, bytes);
      this.totalInputBytes += bytes;
      if (!isFinished(prediction.status)) this.unfinishedBytes += bytes;
    }
    if (isFinished(prediction.status) && !this.finished.has(prediction.id)) {
      const at = prediction.completed_at ? Date.parse(prediction.completed_at) : Number.NaN;
      this.finished.set(prediction.id, Number.isNaN(at) ? this.now() : at);
    }
    this.prune();
  }

  delete(id: string): void {
    this.forgetBytes(id);
    this.byId.delete(id);
    this.finished.delete(id);
  }

  /** Every prediction kept, oldest first. */
  all(): Prediction[] {
    this.prune();
    return [...this.byId.values()];
  }

  /** The size of an input as the journal and clients see it: its JSON. */
  sizeOf(input: Record<string, unknown>): number {
    let bytes = this.measured.get(input);
    if (bytes === undefined) {
      bytes = Buffer.byteLength(JSON.stringify(input));
      this.measured.set(input, bytes);
    }
    return bytes;
  }

  private forgetBytes(id: string): void {
    const bytes = this.inputBytes.get(id);
    if (bytes === undefined) return;
    this.inputBytes.delete(id);
    this.totalInputBytes -= bytes;
    const previous = this.byId.get(id);
    if (previous && !isFinished(previous.status)) this.unfinishedBytes -= bytes;
  }

  private prune(): void {
    const oldest = this.now() - this.options.retentionMs;
    for (const [id, at] of this.finished) {
      if (at >= oldest && this.finished.size <= this.options.maxFinished) break;
      this.delete(id);
    }
    if (this.totalInputBytes <= this.options.inputBudgetBytes) return;
    // Oldest finished first: their inputs are only there to be read back.
    for (const id of this.finished.keys()) {
      if (this.totalInputBytes <= this.options.inputBudgetBytes) break;
      const prediction = this.byId.get(id);
      if (!prediction || prediction.input === null) continue;
      this.forgetBytes(id);
      this.byId.set(id, { ...prediction, input: null });
    }
  }

  /**
   * Refuses a new prediction whose input cannot be written as JSON (422), or
   * would take unfinished inputs past `inputBudgetBytes` (503).
   */
  assertRoomFor(input: Record<string, unknown>): void {
    const budget = this.options.inputBudgetBytes;
    let bytes: number;
    try {
      bytes = this.sizeOf(input);
    } catch (error) {
      // What cannot be written as JSON cannot be journaled, echoed or sent to a webhook.
      throw new ServeError(
        "INVALID_INPUT",
        "`input` cannot be stored as JSON (nested too deeply?); send a flatter input",
        { cause: error },
      );
    }
    const unfinished = this.unfinishedBytes;
    if (unfinished + bytes > budget) {
      throw new ServeError(
        "OVERLOADED",
        `async predictions waiting to run already hold ${unfinished} bytes of input; this one (${bytes} bytes) would pass \`asyncRetainedInputBytes\` (${budget}); retry shortly`,
        { retryAfterSeconds: 5 },
      );
    }
  }
}
