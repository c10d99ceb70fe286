import type { MiddlewareHandler } from "hono";
import { logLinesOf } from "../../log-lines.js";
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

/**
 * Logs one line per request: method, path, status, duration and request id.
 * Through servekit's own logger the line joins the others of this event-loop
 * turn (`LogLines`), and the response waits until they are written.
 */
export function accessLog(log: Logger): MiddlewareHandler {
  const lines = logLinesOf(log);
  return async function logEachRequest(c, next) {
    const start = performance.now();
    await next();
    const line = () =>
      logRequest(log, {
        request_id: c.get("requestId"),
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: performance.now() - start,
      });
    await new Promise<void>((written) => lines.logThen(line, written));
  };
}

/** What one request's line says; `ms` is rounded to 0.1 here. */
export interface RequestLine {
  request_id: string;
  method: string;
  path: string;
  status: number;
  ms: number;
}

/** Logs one request's line at the level its status and path call for. */
export function logRequest(log: Logger, line: RequestLine): void {
  const level = levelFor(line.status, line.path);
  // Skipped before the line is built when the level is off (pino would drop it anyway).
  if (!log.isLevelEnabled(level)) return;
  log[level]({ ...line, ms: Math.round(line.ms * 10) / 10 }, "request");
}
