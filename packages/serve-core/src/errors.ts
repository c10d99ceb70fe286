/**
 * Every error that can reach a client. One code, one HTTP status (see
 * {@link statusForCode}); `CLIENT_CLOSED` only shows as 499 in logs and metrics.
 */
export type ErrorCode =
  | "MALFORMED_REQUEST"
  | "UNAUTHORIZED"
  /** Admin routes while no admin key is configured. */
  | "ADMIN_DISABLED"
  | "NOT_FOUND"
  /** No such model, or no such version of it: the message lists what exists. */
  | "MODEL_NOT_FOUND"
  | "CONFLICT"
  | "REQUEST_TIMEOUT"
  | "PAYLOAD_TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "INVALID_INPUT"
  | "RATE_LIMITED"
  | "OVERLOADED"
  | "NOT_READY"
  | "DRAINING"
  | "TIMEOUT"
  | "PREDICTION_FAILED"
  | "WORKER_CRASHED"
  | "INTERNAL"
  /** The client went away before its answer: nothing is sent; logged and counted as 499. */
  | "CLIENT_CLOSED";

const STATUS_BY_CODE: Record<
  ErrorCode,
  400 | 401 | 403 | 404 | 408 | 409 | 413 | 415 | 422 | 429 | 499 | 500 | 503 | 504
> = {
  MALFORMED_REQUEST: 400,
  UNAUTHORIZED: 401,
  ADMIN_DISABLED: 403,
  NOT_FOUND: 404,
  MODEL_NOT_FOUND: 404,
  CONFLICT: 409,
  REQUEST_TIMEOUT: 408,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INVALID_INPUT: 422,
  RATE_LIMITED: 429,
  OVERLOADED: 503,
  NOT_READY: 503,
  DRAINING: 503,
  TIMEOUT: 504,
  PREDICTION_FAILED: 500,
  WORKER_CRASHED: 500,
  INTERNAL: 500,
  // nginx's "client closed request": never sent (nobody is left to read it), only logged and counted.
  CLIENT_CLOSED: 499,
};

/** The HTTP status a client gets for an {@link ErrorCode}. */
export function statusForCode(code: ErrorCode): (typeof STATUS_BY_CODE)[ErrorCode] {
  return STATUS_BY_CODE[code];
}

/** One wrong field of a request: where it is and what was wrong. */
export interface FieldIssue {
  /** Path into the input, e.g. `["confidence"]` or `["boxes", 2, "x"]`. */
  path: (string | number)[];
  message: string;
}

/** JSON body of every error response. */
export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    details?: unknown;
    request_id?: string;
  };
}

export interface ServeErrorOptions {
  /** Extra data shown to the client (e.g. a list of {@link FieldIssue}). */
  details?: unknown;
  /** The underlying error; logged, never sent to clients. */
  cause?: unknown;
  /** Seconds a client should wait before retrying (sent as `Retry-After`). */
  retryAfterSeconds?: number;
}

/**
 * The one error type of servekit. Throw it from `predict` for your own 4xx:
 *
 * @example
 * throw new ServeError("INVALID_INPUT", "`image` must be at least 32×32 pixels", {
 *   details: [{ path: ["image"], message: "got 8×8" }],
 * });
 */
export class ServeError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, options: ServeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ServeError";
    this.code = code;
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  get status(): number {
    return statusForCode(this.code);
  }

  /** The response body for this error (no stack, no cause). */
  toBody(requestId?: string): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
        ...(requestId === undefined ? {} : { request_id: requestId }),
      },
    };
  }
}

/**
 * How a prediction or upload ends when its client goes away first: nothing
 * can be sent, and nothing went wrong on the server. Code `CLIENT_CLOSED`:
 * logged at info with status 499, counted as `cancelled`.
 */
export class ClientClosedError extends ServeError {
  constructor() {
    super("CLIENT_CLOSED", "client closed the connection before the response");
    this.name = "ClientClosedError";
  }
}

/**
 * Turns anything thrown into a {@link ServeError}: ServeErrors pass through,
 * anything else becomes `fallback` (default INTERNAL) with the original as `cause`.
 */
export function toServeError(
  error: unknown,
  fallback: ErrorCode = "INTERNAL",
  message = "internal error",
): ServeError {
  if (error instanceof ServeError) return error;
  return new ServeError(fallback, message, { cause: error });
}

/** A 422 for one field, the most common error a predictor throws. */
export function invalidField(path: (string | number)[], message: string): ServeError {
  const where = path.length > 0 ? `\`${path.join(".")}\`: ` : "";
  return new ServeError("INVALID_INPUT", `${where}${message}`, {
    details: [{ path, message } satisfies FieldIssue],
  });
}
