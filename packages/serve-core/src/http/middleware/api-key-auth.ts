import { createHash, timingSafeEqual } from "node:crypto";
import type { Context, MiddlewareHandler } from "hono";
import { ServeError } from "../../errors.js";

/** Options of {@link apiKeyAuth}. */
export interface ApiKeyAuthOptions {
  /** Accepted keys. */
  keys: string[];
  /** Path prefixes that need no key (health probes, docs…). */
  publicPaths: string[];
}

declare module "hono" {
  interface ContextVariableMap {
    /**
     * Which configured key authenticated the request (`key-1` for the first,
     * …), set by {@link apiKeyAuth}: an identity for rate limits and logs
     * that never shows the key itself.
     */
    apiKeyId: string;
  }
}

const digest = (value: string) => createHash("sha256").update(value).digest();

/**
 * Requires an API key as `Authorization: Bearer <key>` or `X-API-Key: <key>`,
 * except on `publicPaths` (keys compared by {@link keyMatcher}).
 * Sets `apiKeyId` on the context to the key that matched.
 */
export function apiKeyAuth(options: ApiKeyAuthOptions): MiddlewareHandler {
  const matchKey = keyMatcher(options.keys);
  const isPublic = (path: string) =>
    path === "/" ||
    options.publicPaths.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
  return async function requireApiKey(c, next) {
    if (c.req.method === "OPTIONS" || isPublic(c.req.path)) return next();
    const presented = bearerToken(c) ?? c.req.header("x-api-key");
    const matched = matchKey(presented);
    if (matched < 0) {
      c.header("WWW-Authenticate", 'Bearer realm="servekit"');
      throw new ServeError(
        "UNAUTHORIZED",
        presented === undefined
          ? "an API key is required: send `Authorization: Bearer <key>` or `X-API-Key: <key>`"
          : "the API key is not valid",
      );
    }
    c.set("apiKeyId", `key-${matched + 1}`);
    return next();
  };
}

/**
 * A check of a presented key against `keys`: the index of the one it is,
 * or -1. Compares SHA-256 digests with `timingSafeEqual`, against every key
 * without stopping early, so the time taken says nothing about a guess.
 */
export function keyMatcher(keys: readonly string[]): (presented: string | undefined) => number {
  const keyDigests = keys.map(digest);
  return (presented) => {
    let matched = -1;
    if (presented === undefined) return matched;
    const candidate = digest(presented.trim());
    keyDigests.forEach((key, index) => {
      if (timingSafeEqual(candidate, key)) matched = index;
    });
    return matched;
  };
}

/** The token of an `Authorization: Bearer <token>` header, if the request has one. */
export function bearerToken(c: Context): string | undefined {
  return /^Bearer\s+(.+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
}
