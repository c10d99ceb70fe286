/** A servekit error body as the server sends it. */
export interface ApiError {
  code: string;
  message: string;
  details?: { path: (string | number)[]; message: string }[];
}

/**
 * What came back from a request: a JSON body, an error body, or no answer at
 * all (status 0, no headers). `headers` carry e.g. the `X-Model-Version` that answered.
 */
export type ApiResult<T> =
  | { ok: true; status: number; headers: Headers; body: T }
  | { ok: false; status: number; headers: Headers; error: ApiError };

/** Talks to one servekit backend; `base` is "" for the same origin. */
export class ApiClient {
  constructor(readonly base: string) {}

  get<T>(path: string, timeoutMs = 5_000): Promise<ApiResult<T>> {
    return this.send<T>(path, { signal: AbortSignal.timeout(timeoutMs) });
  }

  post<T>(path: string, body: FormData): Promise<ApiResult<T>> {
    return this.send<T>(path, { method: "POST", body });
  }

  private async send<T>(path: string, init: RequestInit): Promise<ApiResult<T>> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, init);
    } catch {
      return {
        ok: false,
        status: 0,
        headers: new Headers(),
        error: {
          code: "UNREACHABLE",
          message: `cannot reach ${this.base || location.origin}: is the server running?`,
        },
      };
    }
    const body = (await res.json().catch(() => undefined)) as unknown;
    if (res.ok) return { ok: true, status: res.status, headers: res.headers, body: body as T };
    const error = (body as { error?: ApiError } | undefined)?.error ?? {
      code: `HTTP_${res.status}`,
      message: `the server answered ${res.status} ${res.statusText}`,
    };
    return { ok: false, status: res.status, headers: res.headers, error };
  }
}
