import { isFinished, type Prediction } from "./prediction.js";

export interface PredictionStoreOptions {
  /** How long a finished prediction is kept. */
  retentionMs: number;
  /** Most finished predictions kept; the oldest go first. */
  maxFinished: number;
  now?: () => number;
}

/**
 * Async predictions by id. Running ones are kept until they finish; finished
 * ones for `retentionMs` and at most `maxFinished` of them, so memory stays bounded.
 */
export class PredictionStore {
  private readonly byId = new Map<string, Prediction>();
  /** Finished ids in the order they finished, with when. */
  private readonly finished = new Map<string, number>();
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
    this.byId.set(prediction.id, prediction);
    if (isFinished(prediction.status) && !this.finished.has(prediction.id)) {
      const at = prediction.completed_at ? Date.parse(prediction.completed_at) : Number.NaN;
      this.finished.set(prediction.id, Number.isNaN(at) ? this.now() : at);
    }
    this.prune();
  }

  delete(id: string): void {
    this.byId.delete(id);
    this.finished.delete(id);
  }

  /** Every prediction kept, oldest first. */
  all(): Prediction[] {
    this.prune();
    return [...this.byId.values()];
  }

  private prune(): void {
    const oldest = this.now() - this.options.retentionMs;
    for (const [id, at] of this.finished) {
      if (at >= oldest && this.finished.size <= this.options.maxFinished) break;
      this.delete(id);
    }
  }
}
