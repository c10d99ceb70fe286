import type { ServerResponse } from "node:http";
import type { Context } from "hono";
import { ClientClosedError } from "../errors.js";

/**
 * An AbortSignal that fires (with a {@link ClientClosedError}) when the client
 * goes away before its response is sent. Under @hono/node-server it listens
 * on Node's response directly: `c.req.raw.signal` would make the adapter
 * build a full web Request, whose body stream then copies and pauses the
 * upload that `readRequestBody` reads straight from the socket.
 */
export function clientSignal(c: Context): AbortSignal {
  const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
  if (!outgoing || typeof outgoing.once !== "function") return c.req.raw.signal;
  const controller = new AbortController();
  outgoing.once("close", () => {
    if (!outgoing.writableFinished) controller.abort(new ClientClosedError());
  });
  return controller.signal;
}
