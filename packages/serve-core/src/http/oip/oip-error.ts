import type { Context } from "hono";
import type { ContentfulStatusCode, StatusCode } from "hono/utils/http-status";
import { type FieldIssue, ServeError } from "../../errors.js";
import type { Logger } from "../../logger.js";

/**
 * An error of the Open Inference Protocol's routes: sent as the protocol's
 * `{"error": "..."}` (`$inference_error_response` and its siblings), not
 * servekit's `{error: {code, message}}`.
 *
 * @example
 * throw new OipError(400, 'input "x" has datatype FP32; this model takes FP64');
 */
export class OipError extends Error {
  readonly status: ContentfulStatusCode;
  readonly retryAfterSeconds: number | undefined;

  constructor(status: ContentfulStatusCode, message: string, retryAfterSeconds?: number) {
    super(message);
    this.name = "OipError";
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * Sends anything a protocol route threw as `{"error": "..."}`: an
 * {@link OipError} as it is; a {@link ServeError} with its status, except a
 * schema violation (422), which the protocol calls a bad request (400), its
 * field issues named in the message; anything else as a 500 that is logged
 * and never shown. `Retry-After` goes along with a 503.
 */
export function sendOipError(c: Context, error: unknown, log: Logger | undefined): Response {
  // Nobody is left to read a response; 499 tells the access log and metrics so.
  if (error instanceof ServeError && error.code === "CLIENT_CLOSED") {
    return c.body(null, error.status as StatusCode);
  }
  const known = asOipError(error);
  if (known) {
    if (known.retryAfterSeconds !== undefined) {
      c.header("Retry-After", String(known.retryAfterSeconds));
    }
    return c.json({ error: known.message }, known.status);
  }
  const requestId = c.get("requestId") as string | undefined;
  log?.error({ err: error, request_id: requestId }, "unhandled error");
  const message = `internal error; see the server log for request ${requestId ?? "(no id)"}`;
  return c.json({ error: message }, 500);
}

function asOipError(error: unknown): OipError | undefined {
  if (error instanceof OipError) return error;
  if (!(error instanceof ServeError)) return undefined;
  if (error.code === "INVALID_INPUT") return new OipError(400, invalidInputMessage(error));
  return new OipError(error.status as ContentfulStatusCode, error.message, error.retryAfterSeconds);
}

/** "input \"count\": Too big: expected number to be <=10", one per wrong field. */
function invalidInputMessage(error: ServeError): string {
  const issues = Array.isArray(error.details) ? (error.details as FieldIssue[]) : [];
  if (issues.length === 0) return error.message;
  return issues.map(describeIssue).join("; ");
}

function describeIssue(issue: FieldIssue): string {
  const [input, ...rest] = issue.path;
  if (input === undefined) return `input: ${issue.message}`;
  const at = rest.length > 0 ? ` at ${rest.map((part) => `[${part}]`).join("")}` : "";
  return `input "${input}"${at}: ${issue.message}`;
}
