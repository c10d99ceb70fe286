import { ServekitError, ServekitNetworkError } from "./errors.js";

/** How calls retry when the server refuses for now (429, 503) or cannot be reached. */
export interface RetryOptions {
  /** Tries in all, the first included. @default 3 */
  attempts?: number;
  /** Ceiling of the first backoff; doubles each retry (full jitter: a random wait up to it). @default 250 */
  baseDelayMs?: number;
  /** No single wait is longer, `Retry-After` included. @default 10000 */
  maxDelayMs?: number;
  /** No retry starts later than this after the first try. @default 30000 */
  maxElapsedMs?: number;
}

export type ResolvedRetry = Required<RetryOptions>;

/**
 * What may be repeated for a request: `safe` ones (predict, get, cancel, a PUT
 * with your id) after any refusal or a broken connection; `refused` ones (a
 * POST that creates a prediction) only after the server said 429/503, which it
 * answers before running anything.
 */
export type RetryMode = "safe" | "refused" | "never";

const DEFAULTS: ResolvedRetry = {
  attempts: 3,
  baseDelayMs: 250,
  maxDelayMs: 10_000,
  maxElapsedMs: 30_000,
};

/** Fills in defaults; `false` means one try only. */
export function resolveRetry(retry: RetryOptions | false | undefined): ResolvedRetry {
  if (retry === false) return { ...DEFAULTS, attempts: 1 };
  const resolved = { ...DEFAULTS, ...retry };
  if (!Number.isInteger(resolved.attempts) || resolved.attempts < 1) {
    throw new TypeError(
      `retry.attempts must be a whole number ≥ 1 (1 = no retries), got ${resolved.attempts}`,
    );
  }
  return resolved;
}

/** Whether `error` may be retried for a request of this mode. */
export function isRetryable(error: unknown, mode: RetryMode): boolean {
  if (mode === "never") return false;
  if (error instanceof ServekitError) return error.status === 429 || error.status === 503;
  return mode === "safe" && error instanceof ServekitNetworkError;
}

/**
 * How long to wait before retry number `retry` (1-based): the server's
 * `Retry-After` when it sent one, else a random wait up to an exponentially
 * growing ceiling ("full jitter", so that many clients refused together do
 * not come back together).
 */
export function retryDelayMs(error: unknown, retry: number, policy: ResolvedRetry): number {
  const retryAfter = error instanceof ServekitError ? error.retryAfterMs : undefined;
  if (retryAfter !== undefined) return Math.min(retryAfter, policy.maxDelayMs);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.random() * ceiling;
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
