/**
 * Callers waiting for async predictions to settle, by id.
 *
 * @example
 * const waiters = new PredictionWaiters();
 * const done = waiters.wait("p1", () => store.get("p1"));
 * waiters.wake("p1"); // done resolves with store.get("p1")
 */
export class PredictionWaiters {
  private readonly byId = new Map<string, (() => void)[]>();

  /** Resolves with `read()` once {@link wake} is called for `id`. */
  wait<T>(id: string, read: () => T): Promise<T> {
    return new Promise((resolve) => {
      const list = this.byId.get(id) ?? [];
      list.push(() => resolve(read()));
      this.byId.set(id, list);
    });
  }

  wake(id: string): void {
    for (const wake of this.byId.get(id) ?? []) wake();
    this.byId.delete(id);
  }
}
