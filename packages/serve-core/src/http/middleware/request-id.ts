import { randomUUID } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { requestId } from "hono/request-id";

/** Accepts a client's `X-Request-Id` (or makes one), stores it as `requestId` and echoes it back. */
export function requestIdMiddleware(): MiddlewareHandler {
  return requestId({ headerName: "X-Request-Id", generator: () => randomUUID() });
}
