import type { MiddlewareHandler } from "hono";
import type { Logger } from "../logger.js";

/** Logs one line per request: method, path, status, duration and request id. */
export function accessLog(log: Logger): MiddlewareHandler {
  return async function logRequest(c, next) {
    const start = performance.now();
    await next();
    const ms = Math.round((performance.now() - start) * 10) / 10;
    const level =
      c.res.status >= 500 ? "error" : c.req.path.startsWith("/health") ? "debug" : "info";
    log[level](
      {
        request_id: c.get("requestId"),
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms,
      },
      "request",
    );
  };
}
