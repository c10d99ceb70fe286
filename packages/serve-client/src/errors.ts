/** One failing field of a 422 `INVALID_INPUT` answer. */
export interface ErrorDetail {
  /** Where in the input, e.g. `["confidence"]` (or `["input", "confidence"]` on `/predictions`). */
  path?: (string | number)[];
  message?: string;
  [key: string]: unknown;
}

/**
 * The server answered with an error: its `{error: {code, message, details}}`
 * body, the HTTP status and the request id to look up in its logs.
 *
 * @example
 * try {
 *   await client.predict({ name: "" });
 * } catch (error) {
 *   if (error instanceof ServekitError && error.code === "INVALID_INPUT") console.log(error.details);
 * }
 */
export class ServekitError extends Error {
  override readonly name = "ServekitError";
  /** HTTP status, e.g. 422; 0 for an `event: error` in a stream. */
  readonly status: number;
  /** The server's error code, e.g. `INVALID_INPUT`, `OVERLOADED`, `TIMEOUT`. */
  readonly code: string;
  /** Per-field problems (422), or what the code adds (e.g. the models that exist, on 404). */
  readonly details: ErrorDetail[] | unknown;
  /** `X-Request-Id` of the failed request. */
  readonly requestId: string | undefined;
  /** The server's `Retry-After`, in milliseconds, when it sent one. */
  readonly retryAfterMs: number | undefined;

  constructor(options: {
    status: number;
    code: string;
    message: string;
    details?: unknown;
    requestId?: string | undefined;
    retryAfterMs?: number | undefined;
  }) {
    super(options.message);
    this.status = options.status;
    this.code = options.code;
    this.details = options.details;
    this.requestId = options.requestId;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/**
 * No answer came: the server could not be reached, the connection broke, or
 * a stream ended without its `done` event. `cause` has the underlying error.
 */
export class ServekitNetworkError extends Error {
  override readonly name = "ServekitNetworkError";
  /** The URL that was being requested. */
  readonly url: string;

  constructor(message: string, options: { url: string; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.url = options.url;
  }
}

/** The call's `timeoutMs` (or `wait`'s) passed before it finished. */
export class ServekitTimeoutError extends Error {
  override readonly name = "ServekitTimeoutError";
  readonly timeoutMs: number;

  constructor(timeoutMs: number, what: string) {
    super(`${what} did not finish within ${timeoutMs} ms; raise timeoutMs or try again later`);
    this.timeoutMs = timeoutMs;
  }
}

/**
 * Reads a servekit error response into a {@link ServekitError}. Bodies that
 * are not servekit's (a proxy's HTML page) keep their status and a code
 * derived from it.
 */
export async function errorFromResponse(response: Response): Promise<ServekitError> {
  const requestId = response.headers.get("x-request-id") ?? undefined;
  const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
  const text = await response.text().catch(() => "");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const error = (body as { error?: Record<string, unknown> } | undefined)?.error;
  if (error && typeof error === "object" && typeof error.code === "string") {
    return new ServekitError({
      status: response.status,
      code: error.code,
      message: typeof error.message === "string" ? error.message : `HTTP ${response.status}`,
      details: error.details,
      requestId: typeof error.request_id === "string" ? error.request_id : requestId,
      retryAfterMs,
    });
  }
  const snippet = text.trim().slice(0, 200);
  return new ServekitError({
    status: response.status,
    code: `HTTP_${response.status}`,
    message: `HTTP ${response.status} ${response.statusText}${snippet ? `: ${snippet}` : ""}`,
    requestId,
    retryAfterMs,
  });
}

/** `Retry-After` as seconds or an HTTP date, in milliseconds from now. */
export function parseRetryAfter(value: string | null): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
