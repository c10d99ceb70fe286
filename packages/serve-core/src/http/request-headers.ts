import type { Context } from "hono";
import { requestHeader } from "./request-header.js";

/** Where a request's headers are read from: a Hono context, or a lookup by lower-cased name. */
export type HeaderSource = Context | ((name: string) => string | undefined);

const NONE: Record<string, string> = Object.freeze({}) as Record<string, string>;

/**
 * The request headers named in `allowed` (lower-cased names), for
 * `ctx.request.headers`; a header the request lacks is left out.
 */
export function allowedRequestHeaders(
  from: HeaderSource,
  allowed: readonly string[],
): Record<string, string> {
  if (allowed.length === 0) return NONE;
  const found: Record<string, string> = {};
  for (const name of allowed) {
    const value = typeof from === "function" ? from(name) : requestHeader(from, name);
    if (value !== undefined) found[name] = value;
  }
  return found;
}
