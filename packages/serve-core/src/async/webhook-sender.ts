import type { Logger } from "../logger.js";
import type { WebhookRetryOptions } from "../options.js";

export interface WebhookSenderOptions extends Required<WebhookRetryOptions> {
  log: Logger;
  /** For tests. @default globalThis.fetch */
  fetch?: typeof fetch;
}

/**
 * POSTs JSON to webhook URLs in the background. Deliveries for one key (a
 * prediction id) go out in order; each is retried with doubling delays on
 * network errors, 5xx and 429. Failures are logged, never thrown.
 */
export class WebhookSender {
  private readonly options: WebhookSenderOptions;
  private readonly fetch: typeof fetch;
  private readonly chains = new Map<string, Promise<void>>();
  private readonly pending = new Set<Promise<void>>();

  constructor(options: WebhookSenderOptions) {
    this.options = options;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  /** Queues a delivery of `body` (serialized now) to `url`, after earlier ones for `key`. */
  send(key: string, url: string, body: unknown): void {
    const json = JSON.stringify(body);
    const previous = this.chains.get(key) ?? Promise.resolve();
    const delivery = previous.then(() => this.deliver(url, json, key));
    this.chains.set(key, delivery);
    this.pending.add(delivery);
    void delivery.finally(() => {
      this.pending.delete(delivery);
      if (this.chains.get(key) === delivery) this.chains.delete(key);
    });
  }

  /** Deliveries queued or being retried. */
  get size(): number {
    return this.pending.size;
  }

  /** Waits for queued deliveries; resolves true when all are done, false after `graceMs`. */
  async flush(graceMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((r) => {
      timer = setTimeout(() => r(false), graceMs);
    });
    const done = (async () => {
      while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
      return true;
    })();
    const result = await Promise.race([done, timedOut]);
    clearTimeout(timer);
    return result;
  }

  private async deliver(url: string, json: string, key: string): Promise<void> {
    const { attempts, initialDelayMs, maxDelayMs, timeoutMs, log } = this.options;
    for (let attempt = 1; ; attempt++) {
      let problem: string;
      try {
        const res = await this.fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: json,
          signal: AbortSignal.timeout(timeoutMs),
        });
        await res.body?.cancel().catch(() => {});
        if (res.ok) return;
        problem = `answered ${res.status}`;
        if (res.status < 500 && res.status !== 429) {
          log.warn(
            { prediction_id: key, url, status: res.status },
            `webhook ${problem}; not retried`,
          );
          return;
        }
      } catch (error) {
        problem = `failed: ${error instanceof Error ? error.message : String(error)}`;
      }
      if (attempt >= attempts) {
        log.warn({ prediction_id: key, url, attempts }, `webhook ${problem}; giving up`);
        return;
      }
      const delay = Math.min(initialDelayMs * 2 ** (attempt - 1), maxDelayMs);
      log.debug({ prediction_id: key, url, attempt, delay }, `webhook ${problem}; retrying`);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
