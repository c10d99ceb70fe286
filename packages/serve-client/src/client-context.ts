import type { CallSignal } from "./call-signal.js";
import { type EncodedInput, type EncodingMode, encodeInput } from "./encode-input.js";
import { ServekitError, ServekitNetworkError, ServekitTimeoutError } from "./errors.js";
import type { FileFieldLookup } from "./file-fields.js";
import type { Transport } from "./transport.js";
import type { CallOptions, WithMetadata } from "./types.js";

/** What every part of one client shares. */
export interface ClientContext {
  transport: Transport;
  files: FileFieldLookup;
  multipartThresholdBytes: number;
}

/** Encodes `input` for the model whose predict route is `predictPath`. */
export function encodeFor(
  context: ClientContext,
  input: unknown,
  predictPath: string,
  mode: EncodingMode,
): Promise<EncodedInput> {
  return encodeInput(input, {
    mode,
    multipartThresholdBytes: context.multipartThresholdBytes,
    fileFields: () => context.files.fileFields(predictPath),
  });
}

/** The request body for an encoded input. */
export function bodyOf(encoded: EncodedInput): string | FormData {
  return encoded.kind === "json" ? JSON.stringify(encoded.value) : encoded.form;
}

/** The headers a call's options ask for, plus the route's own. */
export function callHeaders(
  options: CallOptions,
  own: Record<string, string> = {},
): Record<string, string> {
  return {
    ...own,
    ...options.headers,
    ...(options.requestId ? { "x-request-id": options.requestId } : {}),
  };
}

/** An answer's output together with what its headers say. */
export function withMetadata<T>(output: T, response: Response): WithMetadata<T> {
  const header = (name: string) => response.headers.get(name) ?? undefined;
  return {
    output,
    requestId: header("x-request-id"),
    modelName: header("x-model-name"),
    modelVersion: header("x-model-version"),
    status: response.status,
    headers: response.headers,
  };
}

/**
 * Runs one call under its signal: a timeout becomes a `ServekitTimeoutError`,
 * anything that is not already the client's own error (a body cut off
 * mid-way) becomes a `ServekitNetworkError`.
 */
export async function runCall<T>(
  call: CallSignal,
  url: string,
  run: (signal: AbortSignal | undefined) => Promise<T>,
): Promise<T> {
  try {
    return await run(call.signal);
  } catch (error) {
    call.rethrow(wrapUnexpected(error, call.signal, url));
  } finally {
    call.dispose();
  }
}

/** Leaves the client's errors and aborts alone; wraps what broke underneath. */
export function wrapUnexpected(
  error: unknown,
  signal: AbortSignal | undefined,
  url: string,
): unknown {
  if (
    error instanceof ServekitError ||
    error instanceof ServekitNetworkError ||
    error instanceof ServekitTimeoutError ||
    signal?.aborted ||
    (error instanceof TypeError && !isFetchFailure(error))
  ) {
    return error;
  }
  return new ServekitNetworkError(
    `the answer from ${url} broke off (${error instanceof Error ? error.message : String(error)})`,
    { url, cause: error },
  );
}

/** undici reports a body cut off mid-way as TypeError("terminated"). */
function isFetchFailure(error: TypeError): boolean {
  return error.message === "terminated" || error.message === "fetch failed";
}
