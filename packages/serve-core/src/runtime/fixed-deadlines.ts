/** One deadline of a {@link FixedDeadlines}; clear it once the work is done. */
export class Deadline {
  /** Neighbours in the list, oldest first; both undefined once it expired or was cleared. */
  previous: Deadline | undefined;
  next: Deadline | undefined;

  constructor(
    readonly at: number,
    readonly onExpire: () => void,
    private readonly list: FixedDeadlines,
  ) {}

  clear(): void {
    this.list.remove(this);
  }
}

// setTimeout's longest delay; a longer one would fire after 1 ms (TimeoutOverflowWarning).
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/**
 * Deadlines that all lie the same number of milliseconds after they are
 * set (every prediction's `predictTimeoutMs`), on one timer. They expire in
 * the order they were set, so a linked list in that order is enough:
 * setting appends, clearing unlinks, and the timer waits for the oldest.
 * Node allocates, links and unlinks a timer object for each `setTimeout`,
 * which a light model paid on every prediction.
 *
 * The timer stays armed when the list empties (a light model empties it on
 * every prediction) but no longer holds the process open, so an idle
 * process can exit; when it fires on an empty list, it is gone.
 */
export class FixedDeadlines {
  private oldest: Deadline | undefined;
  private newest: Deadline | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly ms: number) {}

  /** Calls `onExpire` `ms` from now unless the returned deadline is cleared first. */
  set(onExpire: () => void): Deadline {
    const deadline = new Deadline(performance.now() + this.ms, onExpire, this);
    if (this.newest === undefined) this.oldest = deadline;
    else {
      this.newest.next = deadline;
      deadline.previous = this.newest;
    }
    this.newest = deadline;
    if (this.timer === undefined) this.timer = this.wake(this.ms);
    else if (!this.timer.hasRef()) this.timer.ref();
    return deadline;
  }

  /** Unlinks `deadline`; a deadline that already expired or was cleared is left alone. */
  remove(deadline: Deadline): void {
    const { previous, next } = deadline;
    if (previous === undefined && this.oldest !== deadline) return;
    if (previous === undefined) this.oldest = next;
    else previous.next = next;
    if (next === undefined) this.newest = previous;
    else next.previous = previous;
    deadline.previous = undefined;
    deadline.next = undefined;
    if (this.oldest === undefined) this.timer?.unref();
  }

  private expire(): void {
    this.timer = undefined;
    // Node's clock is whole milliseconds: a timer can run up to 1 ms before performance.now() says it is due.
    const now = performance.now() + 1;
    while (this.oldest !== undefined && this.oldest.at <= now) {
      const due = this.oldest;
      this.remove(due);
      due.onExpire();
    }
    // An onExpire that set a new deadline has armed the timer already.
    if (this.oldest !== undefined && this.timer === undefined)
      this.timer = this.wake(this.oldest.at - performance.now());
  }

  /** A timer for `expire` in `ms`, or in about 24.8 days for longer: it then finds nothing due and waits again. */
  private wake(ms: number): NodeJS.Timeout {
    return setTimeout(() => this.expire(), Math.min(ms, LONGEST_TIMER_MS));
  }
}

const shared = new Map<number, FixedDeadlines>();

/** The process's deadlines of `ms`, shared by everything that times out after `ms` (as Node keeps one timer list per duration). */
export function deadlinesOf(ms: number): FixedDeadlines {
  let deadlines = shared.get(ms);
  if (deadlines === undefined) {
    deadlines = new FixedDeadlines(ms);
    shared.set(ms, deadlines);
  }
  return deadlines;
}
