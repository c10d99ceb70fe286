import type { MiddlewareHandler } from "hono";
import type { Logger } from "../../logger.js";

/**
 * The level of a request's line: error only for real failures. A 503 is a
 * refusal (overloaded, starting, draining) the client was told to retry, so
 * it is a warning, and a probe's 503 during setup is expected, so info;
 * probes that pass are debug, so polling does not flood the log.
 */
function levelFor(status: number, path: string): "error" | "warn" | "info" | "debug" {
  const probe = path.startsWith("/health");
  if (status === 503) return probe ? "info" : "warn";
  if (status >= 500) return "error";
  return probe ? "debug" : "info";
}

/** Logs one line per request: method, path, status, duration and request id. */
export function accessLog(log: Logger): MiddlewareHandler {
  return async function logRequest(c, next) {
    const start = performance.now();
    await next();
    const ms = Math.round((performance.now() - start) * 10) / 10;
    const path = c.req.path;
    const status = c.res.status;
    const level = levelFor(status, path);
    // Skipped before the line is built when the level is off (pino would drop it anyway).
    if (!log.isLevelEnabled(level)) return;
    log[level](
      { request_id: c.get("requestId"), method: c.req.method, path, status, ms },
      "request",
    );
  };
}
