/**
 * A shared allowance of bytes, e.g. for request bodies being read: takers
 * ask for bytes and give them back when done; a request that would go over
 * the limit is refused instead of waiting, so memory held by slow or stalled
 * uploads has a ceiling.
 */
export class ByteBudget {
  private used = 0;

  constructor(readonly limit: number) {}

  /** Bytes taken now. */
  get inUse(): number {
    return this.used;
  }

  /** Takes `bytes` if they fit under the limit; false (and nothing taken) if not. */
  tryTake(bytes: number): boolean {
    if (this.used + bytes > this.limit) return false;
    this.used += bytes;
    return true;
  }

  /** Gives back bytes taken earlier. */
  give(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }
}
