import type { Context } from "hono";
import { requestHeader } from "./request-header.js";

const NONE: Record<string, string> = Object.freeze({}) as Record<string, string>;

/**
 * The request headers named in `allowed` (lower-cased names), for
 * `ctx.request.headers`; a header the request lacks is left out.
 */
export function allowedRequestHeaders(
  c: Context,
  allowed: readonly string[],
): Record<string, string> {
  if (allowed.length === 0) return NONE;
  const found: Record<string, string> = {};
  for (const name of allowed) {
    const value = requestHeader(c, name);
    if (value !== undefined) found[name] = value;
  }
  return found;
}
