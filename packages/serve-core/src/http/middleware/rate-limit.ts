import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context, MiddlewareHandler } from "hono";
import { ServeError } from "../../errors.js";

/** Options of {@link rateLimit}. */
export interface RateLimitOptions {
  /** Sustained requests per minute per client (its API key when authenticated, else its address). */
  requestsPerMinute: number;
  /** Requests a client may send at once before the rate applies. @default requestsPerMinute / 6 (10 s worth), at least 1 */
  burst?: number;
  /** Path prefixes that are not limited. */
  exemptPaths: string[];
  /** Clients remembered at once; the least recently seen are forgotten first. @default 10_000 */
  maxClients?: number;
}

interface Bucket {
  tokens: number;
  updated: number;
}

/**
 * Who a request is from: the key that authenticated it (set by `apiKeyAuth`),
 * else its address. A key header nobody checked is not an identity: with
 * authentication off, any made-up `X-API-Key` would get a bucket of its own.
 */
function clientOf(c: Context): string {
  const keyId = c.get("apiKeyId");
  if (keyId !== undefined) return `key:${keyId}`;
  try {
    return `ip:${getConnInfo(c).remote.address ?? "unknown"}`;
  } catch {
    return "ip:unknown"; // not served by @hono/node-server (e.g. app.request in tests)
  }
}

/**
 * A token bucket per client (see `clientOf`; mount it after `apiKeyAuth`):
 * `burst` requests at once, refilled at
 * `requestsPerMinute`. Over the limit: 429 with `Retry-After`. Memory is
 * bounded by `maxClients`.
 */
export function rateLimit(options: RateLimitOptions): MiddlewareHandler {
  const perMs = options.requestsPerMinute / 60_000;
  const burst = options.burst ?? Math.max(1, Math.floor(options.requestsPerMinute / 6));
  const maxClients = options.maxClients ?? 10_000;
  const buckets = new Map<string, Bucket>();
  return async function limitRate(c, next) {
    if (
      options.exemptPaths.some(
        (prefix) => c.req.path === prefix || c.req.path.startsWith(`${prefix}/`),
      )
    ) {
      return next();
    }
    const now = Date.now();
    const client = clientOf(c);
    const bucket = buckets.get(client) ?? { tokens: burst, updated: now };
    bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.updated) * perMs);
    bucket.updated = now;
    // Re-insert so the Map's order is least recently seen first.
    buckets.delete(client);
    buckets.set(client, bucket);
    if (buckets.size > maxClients) buckets.delete(buckets.keys().next().value!);
    if (bucket.tokens < 1) {
      throw new ServeError(
        "RATE_LIMITED",
        `too many requests: the limit is ${options.requestsPerMinute} per minute`,
        {
          retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000)),
        },
      );
    }
    bucket.tokens -= 1;
    return next();
  };
}
