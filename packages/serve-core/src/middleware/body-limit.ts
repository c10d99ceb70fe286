import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { ServeError } from "../errors.js";

/** Refuses request bodies over `maxBytes` with 413, before reading them whole. */
export function requestSizeLimit(maxBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ServeError(
        "PAYLOAD_TOO_LARGE",
        `request body is larger than the limit of ${maxBytes} bytes (${(maxBytes / 1024 / 1024).toFixed(1)} MiB)`,
      );
    },
  });
}
