import type { ClaimedEntry, StreamRedis } from "./stream-redis.js";

/**
 * The group's pending messages, from one consumer's side: it claims the
 * ones idle longer than `claimIdleMs` (their consumer died, or their
 * prediction failed and was left for a retry) a few at a time, walking the
 * pending list with XAUTOCLAIM's cursor; and it keeps the messages this
 * consumer is working on from looking idle, so that nobody claims a long
 * prediction while it runs.
 *
 * @example
 * const reclaimer = new Reclaimer(redis, { claimIdleMs: 30_000 });
 * const entries = await reclaimer.claim(free); // [] until a scan is due
 * await reclaimer.touch(["1-0", "2-0"]);
 */
export class Reclaimer {
  private cursor = "0-0";
  private nextScanAt = 0;
  private readonly scanEveryMs: number;

  constructor(
    private readonly redis: StreamRedis,
    private readonly options: { claimIdleMs: number },
  ) {
    // A message that went idle just after a scan is claimed at most half its idle time late.
    this.scanEveryMs = Math.max(50, options.claimIdleMs / 2);
  }

  /** Milliseconds until the next scan is due (0: now). */
  get dueInMs(): number {
    return Math.max(0, this.nextScanAt - performance.now());
  }

  /** Claims up to `count` idle messages when a scan is due, with their delivery counts; [] otherwise. */
  async claim(count: number): Promise<ClaimedEntry[]> {
    if (count <= 0 || this.dueInMs > 0) return [];
    const { entries, cursor } = await this.redis.reclaim(
      this.options.claimIdleMs,
      count,
      this.cursor,
    );
    this.cursor = cursor;
    // The whole pending list was seen: wait before the next pass; otherwise go on at once.
    if (cursor === "0-0") this.nextScanAt = performance.now() + this.scanEveryMs;
    return entries;
  }

  /** Every how many milliseconds messages in flight must be touched to never look idle. */
  get touchEveryMs(): number {
    return Math.max(20, this.options.claimIdleMs / 3);
  }

  /** Resets the idle time of the messages this consumer still works on. */
  touch(entryIds: string[]): Promise<void> {
    return this.redis.touch(entryIds);
  }
}
