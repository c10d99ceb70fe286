import type { z } from "zod";
import { ModelRuntime } from "../runtime/model-runtime.js";
import type { ModelRegistry } from "../runtime/models/model-registry.js";

/** The version of a model one message runs on, held until {@link release}. */
export interface StreamLease {
  runtime: ModelRuntime;
  name: string;
  version: string;
  release(): void;
  /** Whether this message was sampled to run in shadow too. */
  hasShadow: boolean;
  /** Runs the shadow with a raw input the answer's run did not consume; never rejects. */
  shadow(raw: unknown, output: unknown): Promise<unknown>;
}

/**
 * The model a stream consumer predicts with: one runtime, or a model of a
 * registry (its traffic policy chooses each message's version by its id,
 * so a retried message goes to the same version while the weights stay).
 */
export class StreamModels {
  readonly name: string;

  constructor(
    private readonly models: ModelRegistry | ModelRuntime,
    model?: string,
  ) {
    if (models instanceof ModelRuntime) {
      if (model !== undefined && model !== models.predictor.name)
        throw new Error(
          `\`consume.model\` is "${model}", but this runtime serves ${models.predictor.name}; leave it out or name that model`,
        );
      this.name = models.predictor.name;
    } else {
      this.name = model ?? models.defaultModel;
      // An unknown name fails here (404 listing the models), not at the first message.
      models.runtime(this.name);
    }
  }

  /** The runtime that takes the model's traffic now (its most weighted version). */
  get primary(): ModelRuntime {
    return this.models instanceof ModelRuntime ? this.models : this.models.runtime(this.name);
  }

  /** The input schema's fields, to coerce one-field-per-input messages. */
  get inputShape(): Record<string, z.ZodType> | undefined {
    return (this.primary.predictor.input as { shape?: Record<string, z.ZodType> }).shape;
  }

  /** Resolves when the models' setup has finished (succeeded or not). */
  get ready(): Promise<void> {
    return this.models.ready;
  }

  /**
   * Messages that may be unacknowledged at once: the primary runtime's
   * capacity (predictions it runs at once, batches included), so that
   * nothing waits in a buffer of ours.
   */
  get capacity(): number {
    return this.primary.capacity;
  }

  /** Predictions the primary runtime could start now; 0 when it is not ready or shutting down. */
  get free(): number {
    const runtime = this.primary;
    if (!runtime.isReady) return 0;
    return Math.max(0, runtime.capacity - runtime.inFlight - runtime.queued);
  }

  lease(requestId: string): StreamLease {
    const { models } = this;
    if (models instanceof ModelRuntime) {
      const { name, version } = models.predictor;
      return {
        runtime: models,
        name,
        version,
        release() {},
        hasShadow: false,
        shadow: async () => undefined,
      };
    }
    const lease = models.lease(this.name, { requestId });
    return {
      runtime: lease.runtime,
      name: lease.name,
      version: lease.version,
      release: () => lease.release(),
      hasShadow: lease.shadow !== undefined,
      shadow: (raw, output) => models.shadow(lease, raw, output, requestId),
    };
  }
}
