import { randomUUID } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { requestHeader } from "../request-header.js";

/** Longest client-given id kept; a longer one is replaced. */
const MAX_LENGTH = 255;
/** A client's id is kept only if made of these (no spaces, quotes or separators to break log lines). */
const UNSAFE = /[^\w\-=]/;

/**
 * Accepts a client's `X-Request-Id` (or makes one), stores it as `requestId`
 * and echoes it back: Hono's `requestId()` rules, reading the header
 * without building the request's web `Headers` (see {@link requestHeader}).
 */
export function requestIdMiddleware(): MiddlewareHandler {
  return async function requestId(c, next) {
    const id = acceptedRequestId(requestHeader(c, "x-request-id"));
    c.set("requestId", id);
    c.header("X-Request-Id", id);
    await next();
  };
}

/** The client's `X-Request-Id` when it is safe to log and echo, else a new UUID. */
export function acceptedRequestId(given: string | undefined): string {
  return !given || given.length > MAX_LENGTH || UNSAFE.test(given) ? randomUUID() : given;
}
