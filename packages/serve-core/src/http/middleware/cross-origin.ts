import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";

/** CORS for browsers calling from another origin (e.g. a standalone UI); `true` allows any origin. */
export function crossOrigin(option: true | { origin: string | string[] }): MiddlewareHandler {
  return cors({
    origin: option === true ? "*" : option.origin,
    allowHeaders: [
      "Content-Type",
      "Authorization",
      "X-Request-Id",
      "X-API-Key",
      "Prefer",
      "X-Model-Version",
      "X-Routing-Key",
    ],
    exposeHeaders: [
      "X-Request-Id",
      "Server-Timing",
      "Retry-After",
      "X-Model-Version",
      "X-Model-Name",
    ],
    maxAge: 600,
  });
}
