import { randomUUID } from "node:crypto";
import type { createClient } from "redis";
import { ServeError } from "../../errors.js";
import type { Logger } from "../../logger.js";
import { isFinished, type Prediction } from "./prediction.js";
import { PredictionLeases } from "./prediction-lease.js";
import { redisKeys } from "./redis-prediction-keys.js";
import { INSERT_SCRIPT, WRITE_SCRIPT } from "./redis-prediction-scripts.js";
import type { SharedPredictionEvents, SharedPredictionState } from "./shared-prediction-state.js";

type RedisClient = ReturnType<typeof createClient>;
type Clients = { commands: RedisClient; subscriber: RedisClient };

/** How long after a failed connect the next request tries again. */
const RECONNECT_AFTER_MS = 2_000;

export interface RedisPredictionStoreOptions {
  /** `redis://host:port[/db]` */
  url: string;
  /** The model-version this replica's runtime serves (`name@version`): it reclaims only those. */
  model: string;
  /** How long a finished prediction stays in Redis. */
  retentionMs: number;
  /** How long a lease lasts without a heartbeat (renewed every third of it). */
  leaseMs: number;
  /** How often expired leases are looked for. */
  reclaimIntervalMs: number;
  log: Logger;
  events: SharedPredictionEvents;
}

/**
 * Async predictions in Redis, shared by every replica: each record as the
 * JSON clients see, a lease on each running one (see {@link PredictionLeases}),
 * cancels published to the replica running it, and webhook events claimed
 * with SET NX. One connection for commands, one subscribed to cancels.
 *
 * @example
 * const store = new RedisPredictionStore({ url: "redis://127.0.0.1:6379", model: "echo@1", retentionMs: 3_600_000, leaseMs: 10_000, reclaimIntervalMs: 2_000, log, events });
 * await store.insert(prediction); // undefined: stored and leased to this replica
 * await store.read(prediction.id); // from any replica
 */
export class RedisPredictionStore implements SharedPredictionState {
  private readonly options: RedisPredictionStoreOptions;
  private readonly replica = randomUUID();
  private clients: Promise<Clients>;
  /** When the last failed connect failed: the next request after a pause tries again. */
  private failedAt = 0;
  private readonly leases: PredictionLeases;
  /** Writes of one prediction go out in order. */
  private readonly chains = new Map<string, Promise<unknown>>();
  private closed = false;

  constructor(options: RedisPredictionStoreOptions) {
    this.options = options;
    this.clients = this.connect();
    this.leases = new PredictionLeases({
      replica: this.replica,
      model: options.model,
      leaseMs: options.leaseMs,
      reclaimIntervalMs: options.reclaimIntervalMs,
      log: options.log,
      events: options.events,
      // Not `ready()`: the leases are given back while closing.
      commands: () => this.connection().then((c) => c.commands),
    });
  }

  async insert(prediction: Prediction): Promise<Prediction | undefined> {
    const { commands } = await this.ready();
    const keys = redisKeys(prediction.id);
    const existing = await commands.eval(INSERT_SCRIPT, {
      keys: [keys.record, keys.model, keys.lease, keys.leases],
      arguments: [
        JSON.stringify(prediction),
        this.options.model,
        this.replica,
        String(this.options.leaseMs),
        String(Date.now() + this.options.leaseMs),
        prediction.id,
      ],
    });
    if (typeof existing === "string") return JSON.parse(existing) as Prediction;
    this.leases.hold(prediction.id);
    return undefined;
  }

  async read(id: string): Promise<Prediction | undefined> {
    const { commands } = await this.ready();
    const json = await commands.get(redisKeys(id).record);
    return json === null ? undefined : (JSON.parse(json) as Prediction);
  }

  write(next: Prediction): Promise<Prediction | undefined> {
    const previous = this.chains.get(next.id) ?? Promise.resolve();
    const done = previous.then(async () => {
      const result = await this.compareAndWrite(next, "");
      if (isFinished(next.status) || result.stored) this.leases.release(next.id);
      return result.stored;
    });
    const kept = done.catch(() => {});
    this.chains.set(next.id, kept);
    void kept.then(() => {
      if (this.chains.get(next.id) === kept) this.chains.delete(next.id);
    });
    return done;
  }

  cancel(id: string): Promise<{ prediction: Prediction; changed: boolean } | undefined> {
    return this.finishHere(id, { status: "canceled" });
  }

  fail(
    id: string,
    error: string,
  ): Promise<{ prediction: Prediction; changed: boolean } | undefined> {
    return this.finishHere(id, { status: "failed", error });
  }

  /** Finishes a running prediction from this replica, whichever runs it, and tells that one. */
  private async finishHere(
    id: string,
    changes: Pick<Prediction, "status"> & Partial<Prediction>,
  ): Promise<{ prediction: Prediction; changed: boolean } | undefined> {
    const { commands } = await this.ready();
    // Compare-and-set: the owner may write `processing` between the read and the write.
    for (let attempt = 0; attempt < 10; attempt++) {
      const json = await commands.get(redisKeys(id).record);
      if (json === null) return undefined;
      const current = JSON.parse(json) as Prediction;
      if (isFinished(current.status)) return { prediction: current, changed: false };
      const finished: Prediction = {
        ...current,
        ...changes,
        completed_at: new Date().toISOString(),
      };
      const result = await this.compareAndWrite(finished, json);
      if (result.outcome === "ok") {
        await commands.publish(redisKeys(id).cancels, id);
        return { prediction: finished, changed: true };
      }
      if (result.outcome === "missing") return undefined;
    }
    throw new ServeError(
      "OVERLOADED",
      `prediction ${id} kept changing while being finished; retry`,
      {
        retryAfterSeconds: 1,
      },
    );
  }

  async claimEvent(id: string, event: string): Promise<boolean> {
    const { commands } = await this.ready();
    const claimed = await commands.set(redisKeys(id).event(event), this.replica, {
      condition: "NX",
      expiration: { type: "PX", value: Math.max(1, this.options.retentionMs) },
    });
    return claimed === "OK";
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const clients = await this.clients.catch(() => undefined);
    if (!clients) return;
    await Promise.allSettled([...this.chains.values()]);
    await this.leases
      .close()
      .catch((error: unknown) =>
        this.options.log.warn({ err: error }, "could not give back prediction leases"),
      );
    for (const client of [clients.subscriber, clients.commands]) {
      await client.close().catch(() => client.destroy());
    }
  }

  private async compareAndWrite(
    next: Prediction,
    expected: string,
  ): Promise<{ outcome: string; stored: Prediction | undefined }> {
    const { commands } = await this.connection(); // writes queued before close still go out
    const keys = redisKeys(next.id);
    const finished = isFinished(next.status);
    const reply = (await commands.eval(WRITE_SCRIPT, {
      keys: [keys.record, keys.model, keys.lease, keys.leases],
      arguments: [
        JSON.stringify(next),
        finished ? "1" : "0",
        String(Math.max(1, this.options.retentionMs)),
        next.id,
        expected,
      ],
    })) as string[];
    const [outcome = "missing", json] = reply;
    const stored = outcome === "finished" && json ? (JSON.parse(json) as Prediction) : undefined;
    return { outcome, stored };
  }

  /** The connections; after a failed connect, a request a few seconds later tries again (Redis may start after the replica). */
  private async ready(): Promise<Clients> {
    if (this.closed) throw new ServeError("DRAINING", "shutting down; retry on another replica");
    return this.connection();
  }

  private connection(): Promise<Clients> {
    if (this.failedAt > 0 && Date.now() - this.failedAt > RECONNECT_AFTER_MS) {
      this.failedAt = 0;
      this.clients = this.connect();
    }
    return this.clients;
  }

  private connect(): Promise<Clients> {
    const connecting = this.open();
    // Each request reports a failed connect; this only keeps it from being unhandled.
    connecting.catch(() => {
      this.failedAt = Date.now();
    });
    return connecting;
  }

  private async open(): Promise<Clients> {
    const { url, log } = this.options;
    let connected = false;
    // Loaded on first use: a server with the memory store never loads the client.
    const { createClient } = await import("redis");
    const commands = createClient({
      url,
      socket: {
        reconnectStrategy: (retries) => (connected ? Math.min(100 * 2 ** retries, 5_000) : false),
      },
    });
    commands.on("error", (error: Error) => {
      if (connected) log.warn({ err: error }, "async prediction store: Redis connection error");
    });
    try {
      await commands.connect();
    } catch (error) {
      const message = `cannot reach the async prediction store at ${shownUrl(url)} (\`store\`, SERVEKIT_STORE): ${(error as Error).message}; is Redis running and the URL right?`;
      log.error({ err: error }, message);
      throw new ServeError("NOT_READY", message, { cause: error, retryAfterSeconds: 5 });
    }
    connected = true;
    const subscriber = commands.duplicate();
    subscriber.on("error", () => {});
    await subscriber.connect();
    await subscriber.subscribe(redisKeys("").cancels, (id) => {
      // Only the replica running it acts: the lease it held is gone with the cancel.
      if (this.leases.release(id)) this.options.events.lost(id);
    });
    this.leases.start();
    log.info({ store: shownUrl(url) }, "async predictions shared through Redis");
    return { commands, subscriber };
  }
}

/** The URL without its password, for messages and logs. */
function shownUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString().replace(/\/$/, "");
  } catch {
    return url;
  }
}
