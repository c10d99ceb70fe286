import type { IncomingMessage, ServerResponse } from "node:http";
import type { ServerType } from "@hono/node-server";

/** Responses a server has begun and not yet finished writing. */
export interface OpenResponses {
  readonly count: number;
  /** Resolves once every open response has finished, or after `timeoutMs`. */
  settled(timeoutMs: number): Promise<void>;
}

/**
 * Counts `server`'s unfinished responses, so a shutdown can let the answers
 * it just gave (503 DRAINING) reach their clients before it closes the
 * connections they travel on.
 *
 * @example
 * const open = trackOpenResponses(server);
 * await open.settled(1_000);
 */
export function trackOpenResponses(server: ServerType): OpenResponses {
  let count = 0;
  let onIdle: (() => void) | undefined;
  server.on("request", (_req: IncomingMessage, res: ServerResponse) => {
    count++;
    res.once("close", () => {
      count--;
      if (count === 0) onIdle?.();
    });
  });
  return {
    get count() {
      return count;
    },
    settled(timeoutMs) {
      if (count === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(done, timeoutMs);
        timer.unref();
        function done() {
          clearTimeout(timer);
          onIdle = undefined;
          resolve();
        }
        onIdle = done;
      });
    },
  };
}
