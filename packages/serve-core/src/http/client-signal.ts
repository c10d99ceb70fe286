import type { ServerResponse } from "node:http";
import type { Context } from "hono";
import { ClientClosedError } from "../errors.js";
import { Cancellation } from "../runtime/cancellation.js";

/**
 * Aborted (with a {@link ClientClosedError}) when the client goes away before
 * its response is sent, for `runtime.predict`'s `signal`. Under
 * @hono/node-server it listens on Node's response directly:
 * `c.req.raw.signal` would make the adapter build a full web Request, whose
 * body stream then copies and pauses the upload that `readRequestBody` reads
 * straight from the socket.
 */
export function clientSignal(c: Context): AbortSignal | Cancellation {
  const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
  if (!outgoing || typeof outgoing.once !== "function") return c.req.raw.signal;
  return responseClosedCancellation(outgoing);
}

/** Aborted (with a {@link ClientClosedError}) when `outgoing` closes unfinished. */
export function responseClosedCancellation(outgoing: ServerResponse): Cancellation {
  const cancel = new Cancellation();
  // `on`, not `once`: a response closes once, and `once` wraps the listener on every request.
  outgoing.on("close", () => {
    if (!outgoing.writableFinished) cancel.abort(new ClientClosedError());
  });
  return cancel;
}
