import { callSignal } from "./call-signal.js";
import { type ClientContext, callHeaders, runCall } from "./client-context.js";
import { ServekitError } from "./errors.js";
import type { CallOptions } from "./types.js";

/** One tensor of an Open Inference Protocol request (`$request_input`). */
export interface InferenceInput {
  name: string;
  shape: number[];
  datatype: string;
  /** Flat in row-major order, or nested; files as base64 or `data:` URLs in `BYTES`. */
  data: unknown[];
  parameters?: Record<string, unknown>;
}

/** `$inference_request`. */
export interface InferenceRequest {
  id?: string;
  inputs: InferenceInput[];
  /** Which outputs to return. @default all */
  outputs?: { name: string; parameters?: Record<string, unknown> }[];
  parameters?: Record<string, unknown>;
}

/** `$inference_response`: `BYTES` outputs with `content_type: "json"` hold JSON text. */
export interface InferenceResponse {
  model_name: string;
  model_version?: string;
  id?: string;
  parameters?: Record<string, unknown>;
  outputs: {
    name: string;
    shape: number[];
    datatype: string;
    data: unknown[];
    parameters?: Record<string, unknown>;
  }[];
}

/** Options for `/v2` calls that name a model. */
export interface OipCallOptions extends CallOptions {
  /** One version; without it the model's traffic policy picks. */
  version?: string;
}

/**
 * The Open Inference Protocol (KServe v2 / Triton REST) routes under `/v2`:
 * untyped, tensors in and out, as any v2 client would send them.
 */
export class OipClient {
  constructor(private readonly context: ClientContext) {}

  /**
   * `POST /v2/models/{name}[/versions/{version}]/infer`.
   *
   * @example
   * const answer = await client.oip.infer("hello", {
   *   inputs: [{ name: "name", shape: [1], datatype: "BYTES", data: ["Ada"] }],
   * });
   * console.log(answer.outputs[0]?.data[0]);
   */
  infer(model: string, request: InferenceRequest, options: OipCallOptions = {}) {
    const path = `${modelPath(model, options.version)}/infer`;
    return this.json<InferenceResponse>("POST", path, options, JSON.stringify(request));
  }

  /**
   * `$metadata_model_response`: the model's input and output tensors.
   *
   * @example
   * const { inputs } = await client.oip.metadata("yolov5");
   */
  metadata(model: string, options: OipCallOptions = {}) {
    return this.json<Record<string, unknown>>("GET", modelPath(model, options.version), options);
  }

  /**
   * Whether the model (every version, or the one given) is ready.
   *
   * @example
   * if (await client.oip.ready("yolov5")) console.log("ready");
   */
  async ready(model: string, options: OipCallOptions = {}): Promise<boolean> {
    try {
      await this.json("GET", `${modelPath(model, options.version)}/ready`, {
        ...options,
      });
      return true;
    } catch (error) {
      if (error instanceof ServekitError && error.status === 503) return false;
      throw error;
    }
  }

  private json<T>(
    method: "GET" | "POST",
    path: string,
    options: CallOptions,
    body?: string,
  ): Promise<T> {
    const call = callSignal(options, `${method} ${path}`);
    return runCall(call, this.context.transport.url(path), async (signal) => {
      const response = await this.context.transport.send({
        method,
        path,
        ...(body === undefined ? {} : { body }),
        headers: callHeaders(options),
        // readiness answers 503 while not ready: asking again would only delay the answer.
        retry: path.endsWith("/ready") ? "never" : "safe",
        signal,
      });
      return (await response.json()) as T;
    });
  }
}

function modelPath(model: string, version: string | undefined): string {
  const base = `/v2/models/${encodeURIComponent(model)}`;
  return version === undefined ? base : `${base}/versions/${encodeURIComponent(version)}`;
}
