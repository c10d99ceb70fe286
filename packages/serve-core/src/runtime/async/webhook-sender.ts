import type { Logger } from "../../logger.js";
import type { WebhookRetryOptions } from "../../options.js";
import { redactUrl } from "./redact-url.js";
import type { WebhookEgress } from "./webhook-egress.js";

export interface WebhookSenderOptions extends Required<WebhookRetryOptions> {
  log: Logger;
  /** Checked again before each try, since a name may resolve elsewhere by then. */
  egress: WebhookEgress;
  /** For tests. @default globalThis.fetch */
  fetch?: typeof fetch;
}

/**
 * POSTs JSON to webhook URLs in the background. Deliveries for one key (a
 * prediction id) go out in order; each is retried with doubling delays on
 * network errors, 5xx and 429. Redirects are not followed (a 3xx is a failed
 * delivery), credentials in the URL are sent as Basic auth, and logs show the
 * URL without credentials or query values. Failures are logged, never thrown.
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
    const { attempts, initialDelayMs, maxDelayMs, timeoutMs, log, egress } = this.options;
    const shown = redactUrl(url);
    const { target, authorization } = splitCredentials(url);
    for (let attempt = 1; ; attempt++) {
      let problem: string;
      const refusal = await egress.refusal(target);
      if (refusal !== undefined) {
        log.warn({ prediction_id: key, url: shown }, `webhook not sent: ${refusal}`);
        return;
      }
      try {
        const res = await this.fetch(target, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            ...(authorization ? { authorization } : {}),
          },
          body: json,
          redirect: "manual",
          signal: AbortSignal.timeout(timeoutMs),
        });
        await res.body?.cancel().catch(() => {});
        if (res.ok) return;
        problem = `answered ${res.status}`;
        if (res.status < 500 && res.status !== 429) {
          const why = res.status >= 300 && res.status < 400 ? " (redirects are not followed)" : "";
          log.warn(
            { prediction_id: key, url: shown, status: res.status },
            `webhook ${problem}${why}; not retried`,
          );
          return;
        }
      } catch (error) {
        problem = `failed: ${error instanceof Error ? error.message : String(error)}`;
      }
      if (attempt >= attempts) {
        log.warn({ prediction_id: key, url: shown, attempts }, `webhook ${problem}; giving up`);
        return;
      }
      const delay = Math.min(initialDelayMs * 2 ** (attempt - 1), maxDelayMs);
      log.debug({ prediction_id: key, url: shown, attempt, delay }, `webhook ${problem}; retrying`);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

/** fetch refuses URLs with credentials: move them to an `Authorization: Basic` header. */
function splitCredentials(url: string): { target: string; authorization?: string } {
  const parsed = new URL(url);
  if (parsed.username === "" && parsed.password === "") return { target: url };
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = "";
  parsed.password = "";
  const token = Buffer.from(`${user}:${password}`).toString("base64");
  return { target: parsed.toString(), authorization: `Basic ${token}` };
}
