import { ServekitTimeoutError } from "./errors.js";
import type { CallOptions } from "./types.js";

/** One call's abort signal: the caller's signal and its `timeoutMs` together. */
export interface CallSignal {
  signal: AbortSignal | undefined;
  /** Turns an abort caused by the timeout into a {@link ServekitTimeoutError}. */
  rethrow(error: unknown): never;
  /** Stops the timer; call when the call (or the stream it returned) is done. */
  dispose(): void;
}

/**
 * Combines `options.signal` and `options.timeoutMs` into one signal that
 * covers the whole call, retries and waits included.
 *
 * @example
 * const call = callSignal(options, "predict");
 * try { return await send(call.signal); } catch (error) { call.rethrow(error); } finally { call.dispose(); }
 */
export function callSignal(options: CallOptions, what: string): CallSignal {
  const { signal, timeoutMs } = options;
  if (timeoutMs === undefined) {
    return {
      signal,
      rethrow: (error) => {
        throw error;
      },
      dispose: () => {},
    };
  }
  const controller = new AbortController();
  const timeoutError = new ServekitTimeoutError(timeoutMs, what);
  const timer = setTimeout(() => controller.abort(timeoutError), timeoutMs);
  const onAbort = () => controller.abort(signal?.reason);
  if (signal?.aborted) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });
  return {
    signal: controller.signal,
    rethrow: (error) => {
      if (controller.signal.reason === timeoutError) throw timeoutError;
      throw error;
    },
    dispose: () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    },
  };
}
