import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import type { Context } from "hono";

/**
 * One request header, as `c.req.header(name)` gives it; `name` in lower
 * case. Under @hono/node-server it reads Node's parsed headers, so a
 * request whose headers nothing else reads never builds a web `Headers` of
 * them all (a few microseconds of every prediction); elsewhere
 * (`app.request()`, other runtimes) it asks the web request.
 *
 * @example
 * const version = requestHeader(c, "x-model-version");
 */
export function requestHeader(c: Context, name: string): string | undefined {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  const headers = incoming?.headers;
  if (headers === undefined || typeof headers !== "object") return c.req.header(name);
  return nodeHeader(headers, name);
}

/** One header of Node's parsed request headers, as {@link requestHeader} gives it. */
export function nodeHeader(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  // Repeated headers come joined with ", ", as web Headers join them.
  return Array.isArray(value) ? value.join(", ") : value;
}
