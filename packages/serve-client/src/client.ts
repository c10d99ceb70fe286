import { callSignal } from "./call-signal.js";
import { type ClientContext, callHeaders, runCall } from "./client-context.js";
import { FileFieldLookup } from "./file-fields.js";
import { ModelClient } from "./model-client.js";
import { OipClient } from "./oip-client.js";
import { type RetryOptions, resolveRetry } from "./retry-policy.js";
import { Transport } from "./transport.js";
import type { CallOptions } from "./types.js";

/** `GET /health` (Cog's shape). */
export interface ServerHealth {
  status: "STARTING" | "READY" | "BUSY" | "SETUP_FAILED";
  setup?: {
    status?: string;
    started_at?: string;
    completed_at?: string;
    logs?: string;
    error?: string;
  };
}

/** Options of {@link createClient}. */
export interface ClientOptions {
  /** The server, e.g. `http://localhost:8000` (a path prefix behind a proxy is kept). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <key>` (the server's `apiKeys`). */
  apiKey?: string;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  /** Retries on 429/503 and broken connections where repeating is safe; `false` for none. */
  retry?: RetryOptions | false;
  /** Files larger than this are uploaded as multipart on `predict`/`stream`. @default 1 MiB */
  multipartThresholdBytes?: number;
  /** A fetch to use instead of the global one (a proxy agent, a test double). */
  fetch?: typeof fetch;
}

/** Options of {@link ServekitClient.model}. */
export interface ModelOptions {
  /** One version; without it the server's traffic policy picks. */
  version?: string;
}

/**
 * A client for one servekit server. Its own methods call the default model
 * (the first one served); `model()` reaches the others; `oip` the `/v2` routes.
 */
export class ServekitClient<P = unknown> extends ModelClient<P> {
  /** The Open Inference Protocol routes (`/v2`). */
  readonly oip: OipClient;

  constructor(context: ClientContext) {
    super(context, "");
    this.oip = new OipClient(context);
  }

  /**
   * `GET /health`: `status` is `STARTING`, `READY`, `BUSY` or `SETUP_FAILED`.
   *
   * @example
   * const { status } = await client.health();
   */
  async health(options: CallOptions = {}): Promise<ServerHealth> {
    const call = callSignal(options, "GET /health");
    return runCall(call, this.context.transport.url("/health"), async (signal) => {
      const response = await this.context.transport.send({
        method: "GET",
        path: "/health",
        headers: callHeaders(options),
        retry: "safe",
        signal,
      });
      return (await response.json()) as ServerHealth;
    });
  }

  /**
   * The same calls against `/models/{name}[/versions/{version}]`. Pass the
   * model's predictor type for typed inputs and outputs.
   *
   * @example
   * const fp16 = client.model<typeof predictor>("yolov5", { version: "fp16" });
   * const { detections } = await fp16.predict({ image: "bus.jpg" });
   */
  model<Q = P>(name: string, options: ModelOptions = {}): ModelClient<Q> {
    let prefix = `/models/${encodeURIComponent(name)}`;
    if (options.version !== undefined) prefix += `/versions/${encodeURIComponent(options.version)}`;
    return new ModelClient<Q>(this.context, prefix);
  }
}

/**
 * Creates a client; `createClient<typeof predictor>` types inputs and outputs
 * from a predictor with a type-only import, so no server code is bundled.
 *
 * @example
 * import { createClient } from "@servekit/client";
 * import type { predictor } from "./predictor.js";
 *
 * const client = createClient<typeof predictor>({ baseUrl: "http://localhost:8000" });
 * const { greeting } = await client.predict({ name: "Ada" });
 */
export function createClient<P = unknown>(options: ClientOptions): ServekitClient<P> {
  const baseUrl = checkBaseUrl(options.baseUrl);
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== "function") {
    throw new TypeError("no global fetch here: use Node.js 20+ or a browser, or pass `fetch`");
  }
  const transport = new Transport({
    baseUrl,
    apiKey: options.apiKey,
    headers: options.headers ?? {},
    fetch: fetchImpl,
    retry: resolveRetry(options.retry),
  });
  return new ServekitClient<P>({
    transport,
    files: new FileFieldLookup(transport),
    multipartThresholdBytes: options.multipartThresholdBytes ?? 1024 * 1024,
  });
}

function checkBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(
      `baseUrl must be an absolute URL, e.g. "http://localhost:8000"; got "${value}"`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(`baseUrl must start with http:// or https://; got "${value}"`);
  }
  return value.replace(/\/+$/, "");
}
