import type { createClient } from "redis";
import type { Logger } from "../../logger.js";
import type { Prediction } from "./prediction.js";
import { redisKeys } from "./redis-prediction-keys.js";
import { CLAIM_SCRIPT, GIVE_BACK_SCRIPT, RENEW_SCRIPT } from "./redis-prediction-scripts.js";
import type { SharedPredictionEvents } from "./shared-prediction-state.js";

type RedisClient = ReturnType<typeof createClient>;

/**
 * Expired leases looked at per sweep, so one sweep stays short. Those of
 * model-versions this replica does not serve stay in the set, so it is generous.
 */
const LEASES_PER_SWEEP = 100;

/**
 * Leases of a model-version this replica does not serve that have lapsed
 * this many times over (no replica of it took the prediction over) are failed.
 */
const ORPHANED_AFTER_LEASES = 5;

export interface PredictionLeasesOptions {
  /** This replica's id: the value of the lease keys it holds. */
  replica: string;
  /** The model-version it runs (`name@version`): it takes over only those. */
  model: string;
  leaseMs: number;
  reclaimIntervalMs: number;
  log: Logger;
  events: SharedPredictionEvents;
  commands: () => Promise<RedisClient>;
}

/**
 * The leases of one replica on the predictions it runs: a Redis key with an
 * expiry, renewed every third of `leaseMs` while the prediction runs, and a
 * sorted set of every lease by deadline. Every `reclaimIntervalMs` it looks
 * for leases past their deadline (their replica died or stalled) and takes
 * them over atomically, so exactly one replica re-runs each.
 *
 * @example
 * const leases = new PredictionLeases({ replica, model: "echo@1", leaseMs: 10_000, reclaimIntervalMs: 2_000, log, events, commands });
 * leases.start();
 * leases.hold("p1"); // renewed until leases.release("p1")
 */
export class PredictionLeases {
  private readonly options: PredictionLeasesOptions;
  private readonly held = new Set<string>();
  private timers: NodeJS.Timeout[] = [];
  private renewing = false;
  private sweeping = false;

  constructor(options: PredictionLeasesOptions) {
    this.options = options;
  }

  /** Starts the heartbeat and the sweep. */
  start(): void {
    if (this.timers.length > 0) return;
    const { leaseMs, reclaimIntervalMs } = this.options;
    const every = (ms: number, tick: () => Promise<void>) => {
      const timer = setInterval(() => void tick(), Math.max(10, ms));
      timer.unref();
      this.timers.push(timer);
    };
    every(leaseMs / 3, () => this.renew());
    every(reclaimIntervalMs, () => this.sweep());
  }

  hold(id: string): void {
    this.held.add(id);
  }

  /** Stops renewing `id`; false when it was not held. */
  release(id: string): boolean {
    return this.held.delete(id);
  }

  holds(id: string): boolean {
    return this.held.has(id);
  }

  /** Stops both timers and gives back the leases still held. */
  async close(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    if (this.held.size === 0) return;
    const commands = await this.options.commands();
    const ids = [...this.held];
    this.held.clear();
    await Promise.all(
      ids.map((id) =>
        commands.eval(GIVE_BACK_SCRIPT, {
          keys: [redisKeys(id).lease, redisKeys(id).leases],
          arguments: [this.options.replica, id],
        }),
      ),
    );
    this.options.log.info(
      { predictions: ids.length },
      "gave back leases of unfinished predictions",
    );
  }

  private async renew(): Promise<void> {
    if (this.renewing || this.held.size === 0) return;
    this.renewing = true;
    try {
      const { replica, leaseMs } = this.options;
      const commands = await this.options.commands();
      const ids = [...this.held];
      // Sent together: node-redis pipelines the commands of one tick.
      const replies = await Promise.all(
        ids.map((id) =>
          commands.eval(RENEW_SCRIPT, {
            keys: [redisKeys(id).lease, redisKeys(id).leases],
            arguments: [replica, String(leaseMs), String(Date.now() + leaseMs), id],
          }),
        ),
      );
      for (const [i, reply] of replies.entries()) {
        const id = ids[i]!;
        if (reply !== "lost" || !this.held.delete(id)) continue;
        this.options.events.lost(id);
      }
    } catch (error) {
      this.options.log.warn({ err: error }, "could not renew prediction leases; retrying");
    } finally {
      this.renewing = false;
    }
  }

  private async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      const { replica, leaseMs, model } = this.options;
      const commands = await this.options.commands();
      const expired = await commands.zRangeByScore(redisKeys("").leases, "-inf", Date.now(), {
        LIMIT: { offset: 0, count: LEASES_PER_SWEEP },
      });
      for (const id of expired) {
        if (this.held.has(id)) continue;
        const keys = redisKeys(id);
        const now = Date.now();
        const reply = (await commands.eval(CLAIM_SCRIPT, {
          keys: [keys.record, keys.model, keys.lease, keys.leases],
          arguments: [
            ...[replica, String(leaseMs), String(now + leaseMs), id, model],
            String(now - ORPHANED_AFTER_LEASES * leaseMs),
          ],
        })) as [string, string, string?] | null;
        if (!reply) continue;
        const [outcome, json, owner = ""] = reply;
        const prediction = JSON.parse(json) as Prediction;
        if (outcome === "orphan") {
          this.options.events.orphaned(prediction, owner);
          continue;
        }
        this.held.add(id);
        this.options.log.info({ prediction_id: id }, "took over a prediction whose lease expired");
        this.options.events.reclaimed(prediction);
      }
    } catch (error) {
      this.options.log.warn({ err: error }, "could not look for expired prediction leases");
    } finally {
      this.sweeping = false;
    }
  }
}
