import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode, StatusCode } from "hono/utils/http-status";
import { ServeError } from "../../errors.js";
import type { Logger } from "../../logger.js";

/** Sends a {@link ServeError} as its JSON body, status and `Retry-After`. */
function sendError(c: Context, error: ServeError): Response {
  if (error.retryAfterSeconds !== undefined)
    c.header("Retry-After", String(error.retryAfterSeconds));
  return c.json(error.toBody(c.get("requestId")), error.status as ContentfulStatusCode);
}

/**
 * Turns anything thrown by a route into a JSON error. Unknown errors become
 * a 500 whose cause is logged with the request id and never sent.
 */
export function errorHandler(log: Logger): ErrorHandler {
  return function handleError(error, c) {
    const served = errorToSend(error, c.get("requestId"), log);
    // Nobody is left to read a response; 499 tells the access log and metrics so.
    if (served.code === "CLIENT_CLOSED") return c.body(null, served.status as StatusCode);
    return sendError(c, served);
  };
}

/**
 * The {@link ServeError} a response reports for anything a route threw:
 * ServeErrors as they are, Hono's 4xx as 400 or 413, anything else a 500
 * whose cause is logged with the request id (the response never shows it).
 */
export function errorToSend(error: unknown, requestId: string, log: Logger): ServeError {
  if (error instanceof ServeError) return error;
  if (error instanceof HTTPException && error.status < 500) {
    const code = error.status === 413 ? "PAYLOAD_TOO_LARGE" : "MALFORMED_REQUEST";
    return new ServeError(code, error.message || "bad request");
  }
  log.error({ err: error, request_id: requestId }, "unhandled error");
  return new ServeError("INTERNAL", `internal error; see the server log for request ${requestId}`);
}

/** JSON 404 naming the route that does not exist. */
export function notFoundHandler(): NotFoundHandler {
  return function handleNotFound(c) {
    return sendError(
      c,
      new ServeError(
        "NOT_FOUND",
        `no route ${c.req.method} ${c.req.path}; see /openapi.json for the routes`,
      ),
    );
  };
}
