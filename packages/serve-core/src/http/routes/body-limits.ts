import type { BodyLimits } from "../read-body.js";
import type { RouteDeps } from "./route-deps.js";

/** How the prediction routes read bodies: the options' limits, the app's budget of bytes in flight. */
export function bodyLimits(
  options: RouteDeps["options"],
  receiving: RouteDeps["receiving"],
): BodyLimits {
  return {
    maxBytes: options.maxBodyBytes,
    timeoutMs: options.bodyReadTimeoutMs,
    budget: receiving,
  };
}
