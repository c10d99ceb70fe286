import { errorFromResponse, ServekitNetworkError } from "./errors.js";
import {
  isRetryable,
  type ResolvedRetry,
  type RetryMode,
  retryDelayMs,
  sleep,
} from "./retry-policy.js";

/** Where and how a client sends its requests. */
export interface TransportOptions {
  baseUrl: string;
  apiKey: string | undefined;
  headers: Record<string, string>;
  fetch: typeof fetch;
  retry: ResolvedRetry;
}

/** One HTTP request as the client's methods describe it. */
export interface HttpRequest {
  method: "GET" | "POST" | "PUT";
  /** Path below the base URL, starting with `/`. */
  path: string;
  /** A JSON string (sent as application/json) or multipart form data. */
  body?: string | FormData;
  headers?: Record<string, string>;
  retry: RetryMode;
  signal: AbortSignal | undefined;
}

/**
 * Sends requests with the client's key and headers, turns error answers into
 * `ServekitError`s and retries what may be retried. Knows nothing of
 * predictions: the client's methods build the requests.
 */
export class Transport {
  constructor(private readonly options: TransportOptions) {}

  /** The absolute URL of `path`. */
  url(path: string): string {
    return `${this.options.baseUrl}${path}`;
  }

  /**
   * Sends `request` and returns the successful response (its body unread);
   * throws the last error once retries are spent.
   *
   * @example
   * const response = await transport.send({ method: "GET", path: "/health", retry: "safe", signal });
   */
  async send(request: HttpRequest): Promise<Response> {
    const { retry } = this.options;
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.sendOnce(request);
      } catch (error) {
        if (attempt >= retry.attempts || !isRetryable(error, request.retry)) throw error;
        const delay = retryDelayMs(error, attempt, retry);
        // A wait that would end past the time budget is not worth starting.
        if (Date.now() + delay - started > retry.maxElapsedMs) throw error;
        await sleep(delay, request.signal);
      }
    }
  }

  private async sendOnce(request: HttpRequest): Promise<Response> {
    const headers: Record<string, string> = { ...this.options.headers, ...request.headers };
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    if (typeof request.body === "string") headers["content-type"] = "application/json";
    const url = this.url(request.path);
    // Called detached: browsers refuse a fetch invoked as a method of another object.
    const fetchImpl = this.options.fetch;
    let response: Response;
    try {
      response = await fetchImpl(url, {
        method: request.method,
        headers,
        body: request.body ?? null,
        signal: request.signal ?? null,
      });
    } catch (error) {
      if (request.signal?.aborted) throw request.signal.reason;
      throw new ServekitNetworkError(
        `could not reach ${url} (${describe(error)}); check the URL and that the server is running`,
        { url, cause: error },
      );
    }
    if (!response.ok) throw await errorFromResponse(response);
    return response;
  }
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
