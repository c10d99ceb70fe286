import cluster from "node:cluster";
import { hostname } from "node:os";
import type { Registry } from "prom-client";
import { ConfigError, configProblems } from "../config-error.js";
import { createLogger, type Logger } from "../logger.js";
import type { ModelRuntime } from "../runtime/model-runtime.js";
import type { ModelRegistry } from "../runtime/models/model-registry.js";
import { MessageHandler, type MessageHandlerOptions } from "./message-handler.js";
import { Reclaimer } from "./reclaim.js";
import type { StreamEntry } from "./stream-message.js";
import { StreamMetrics } from "./stream-metrics.js";
import { StreamModels } from "./stream-models.js";
import { type ConsumeOptions, consumeOptionsSchema } from "./stream-options-schema.js";
import { redactedUrl, StreamRedis } from "./stream-redis.js";

/** {@link ConsumeOptions} with every default applied. */
export type ResolvedConsumeOptions = MessageHandlerOptions & {
  redis: string;
  group: string;
  claimIdleMs: number;
  blockMs: number;
  model: string | undefined;
};

/** Messages a consumer has handled so far, by how they ended. */
export interface StreamConsumerStats {
  consumed: number;
  succeeded: number;
  failed: number;
  deadLettered: number;
  inFlight: number;
}

/**
 * A Redis Streams consumer-group face over the runtime: reads messages with
 * XREADGROUP, never more unacknowledged at once than the runtime can run
 * (backpressure: COUNT is its free capacity), predicts each, publishes
 * `{id, output | error, model, version}` to the output stream and
 * acknowledges it. Messages left pending by a consumer that died, or by a
 * failed prediction, are claimed again after `claimIdleMs`; after
 * `maxAttempts` deliveries they go to the dead-letter stream. Delivery is
 * at least once: outputs carry the input's id for deduplication.
 *
 * @example
 * const consumer = new StreamConsumer(runtime, { redis: "redis://127.0.0.1:6379", stream: "in", group: "g" });
 * await consumer.start();
 * // … on SIGTERM: stop reading, finish and acknowledge what is in flight
 * await consumer.stop(30_000);
 */
export class StreamConsumer {
  readonly options: ResolvedConsumeOptions;
  /** The consumer's metrics (`servekit_stream_*`): `serve()` prints them at `GET /metrics`. */
  readonly metricsRegistry: Registry;
  private readonly models: StreamModels;
  private readonly log: Logger;
  private readonly metrics: StreamMetrics;
  private readonly counts = { consumed: 0, succeeded: 0, failed: 0, deadLettered: 0 };
  /** Messages being handled now, by entry id. */
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private redis: StreamRedis | undefined;
  private loop: Promise<void> | undefined;
  private stopping = false;
  // Declared first: the promise below sets it as the class's fields are made.
  private requestStop!: () => void;
  private readonly stopRequested = new Promise<void>((resolve) => {
    this.requestStop = resolve;
  });
  /** Wakes the loop when a slot frees up or stop() is called. */
  private wake: (() => void) | undefined;
  private touchTimer: NodeJS.Timeout | undefined;

  constructor(
    models: ModelRegistry | ModelRuntime,
    options: ConsumeOptions,
    deps: { log?: Logger } = {},
  ) {
    this.options = resolveConsumeOptions(options);
    this.models = new StreamModels(models, this.options.model);
    const { stream, group, consumer } = this.options;
    this.log = (deps.log ?? createLogger({ name: "servekit" })).child({
      stream,
      group,
      consumer,
    });
    const inFlight = this.inFlight;
    this.metrics = new StreamMetrics(
      { stream, group },
      {
        get inFlight() {
          return inFlight.size;
        },
        lag: async () => this.redis?.lag().catch(() => undefined),
      },
    );
    this.metricsRegistry = this.metrics.registry;
  }

  /**
   * Connects to Redis, creates the group if missing, and starts reading in
   * the background (once the model is ready). Rejects when Redis cannot be
   * reached or the group cannot be created.
   */
  async start(): Promise<void> {
    if (this.loop) throw new Error("this StreamConsumer was started already");
    const { redis, stream, group, consumer } = this.options;
    const connection = await StreamRedis.connect({
      url: redis,
      stream,
      group,
      consumer,
      log: this.log,
    });
    this.redis = connection;
    await connection.ensureGroup();
    const reclaimer = new Reclaimer(connection, this.options);
    const handler = new MessageHandler({
      redis: connection,
      models: this.models,
      metrics: this.metrics,
      log: this.log,
      options: this.options,
    });
    this.touchTimer = setInterval(() => {
      reclaimer.touch([...this.inFlight.keys()]).catch((error: unknown) => {
        this.log.debug({ err: error }, "could not touch the messages in flight");
      });
    }, reclaimer.touchEveryMs).unref();
    this.log.info(
      { redis: redactedUrl(redis), capacity: this.models.capacity, model: this.models.name },
      `consuming ${stream} as ${consumer} in group ${group}`,
    );
    this.loop = this.run(connection, reclaimer, handler);
  }

  /**
   * Stops reading (within `blockMs`), waits for the messages in flight to be
   * predicted, published and acknowledged, then disconnects. Resolves true
   * when they all finished, false after `graceMs` (the rest stay pending
   * and another consumer claims them).
   */
  async stop(graceMs = Number.POSITIVE_INFINITY): Promise<boolean> {
    this.stopping = true;
    this.requestStop();
    this.wake?.();
    const deadline = Date.now() + graceMs;
    // A read ends within blockMs; one waiting for Redis to come back does not: cut it off.
    if (this.loop && !(await settledWithin([this.loop], this.options.blockMs + 1_000)))
      this.redis?.abortRead();
    // A claim queued while the client reconnects to a Redis that is gone would wait forever too.
    if (this.loop && !(await settledWithin([this.loop], 1_000))) this.redis?.abortAll();
    await this.loop;
    const drained = await settledWithin([...this.inFlight.values()], deadline - Date.now());
    clearInterval(this.touchTimer);
    await this.redis?.close().catch(() => {});
    this.redis = undefined;
    if (this.loop) this.log.info(this.stats(), "stream consumer stopped");
    return drained;
  }

  /** Counts so far, and messages in flight now. */
  stats(): StreamConsumerStats {
    return { ...this.counts, inFlight: this.inFlight.size };
  }

  private async run(redis: StreamRedis, reclaimer: Reclaimer, handler: MessageHandler) {
    await Promise.race([this.models.ready, this.stopRequested]);
    while (!this.stopping) {
      try {
        const free = Math.min(this.models.free, this.models.capacity - this.inFlight.size);
        if (free <= 0) {
          // A slot frees when one of ours finishes, or when others (HTTP) finish: look again soon.
          await this.sleep(this.models.primary.isReady ? 50 : 500);
          continue;
        }
        const claimed = await reclaimer.claim(free);
        for (const entry of claimed) this.dispatch(handler, entry, entry.deliveries);
        if (claimed.length > 0) continue;
        const blockMs = Math.max(1, Math.min(this.options.blockMs, reclaimer.dueInMs || 1));
        for (const entry of await redis.read(free, Math.ceil(blockMs)))
          this.dispatch(handler, entry, 1);
      } catch (error) {
        if (this.stopping) break;
        this.log.error({ err: error }, "reading the stream failed; trying again in 1 s");
        await this.sleep(1_000);
        // The stream or the group was deleted while we ran: make them again.
        if (String((error as Error).message).startsWith("NOGROUP"))
          await redis.ensureGroup().catch(() => {});
      }
    }
  }

  private dispatch(handler: MessageHandler, entry: StreamEntry, deliveries: number): void {
    // Claimed back while still ours and in flight (it looked idle): it is being handled already.
    if (this.inFlight.has(entry.entryId)) return;
    this.counts.consumed += 1;
    const done = handler.handle(entry, deliveries).then((outcome) => {
      if (outcome === "succeeded") this.counts.succeeded += 1;
      else if (outcome === "failed") this.counts.failed += 1;
      else if (outcome === "dead_lettered") this.counts.deadLettered += 1;
      this.inFlight.delete(entry.entryId);
      this.wake?.();
    });
    this.inFlight.set(entry.entryId, done);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(finish, ms);
      const self = this;
      function finish() {
        clearTimeout(timer);
        if (self.wake === finish) self.wake = undefined;
        resolve();
      }
      this.wake = finish;
    });
  }
}

/**
 * Applies the defaults: consumer `<hostname>-<pid>` (a given name gets
 * `-<n>` in the n-th process of a cluster), output stream
 * `<stream>:out`, dead letters `<stream>:dead`. Throws ConfigError naming
 * every invalid option.
 */
export function resolveConsumeOptions(options: ConsumeOptions): ResolvedConsumeOptions {
  const parsed = consumeOptionsSchema.safeParse(options, { reportInput: true });
  if (!parsed.success)
    throw new ConfigError(
      configProblems(parsed.error).map((p) => ({ ...p, path: `consume.${p.path}` })),
    );
  const value = parsed.data;
  return {
    ...value,
    // Each process of a cluster is a consumer of its own, even where the name was given.
    consumer:
      value.consumer === undefined
        ? `${hostname()}-${process.pid}`
        : cluster.isWorker
          ? `${value.consumer}-${cluster.worker?.id}`
          : value.consumer,
    outputStream: value.outputStream ?? `${value.stream}:out`,
    deadLetterStream: value.deadLetterStream ?? `${value.stream}:dead`,
    model: value.model,
  };
}

/** Whether every promise settles within `ms`. */
async function settledWithin(promises: Promise<unknown>[], ms: number): Promise<boolean> {
  if (promises.length === 0) return true;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    if (Number.isFinite(ms)) timer = setTimeout(() => resolve(false), Math.max(0, ms));
  });
  const all = Promise.allSettled(promises).then(() => true as const);
  const result = await Promise.race([all, timedOut]);
  clearTimeout(timer);
  return result;
}
