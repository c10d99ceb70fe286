import { IncomingMessage } from "node:http";
import type { Context } from "hono";
import type { z } from "zod";
import { ClientClosedError, ServeError } from "../errors.js";
import { bodyFormat, parseRequestBody } from "../input/parse-body.js";
import { deadlinesOf } from "../runtime/fixed-deadlines.js";
import type { ByteBudget } from "./byte-budget.js";
import { requestHeader } from "./request-header.js";

/** Limits on reading one request body. */
export interface BodyLimits {
  /** Largest body in bytes; larger gets 413. */
  maxBytes: number;
  /** Longest the whole body may take to arrive; slower gets 408 and the connection closed. */
  timeoutMs?: number;
  /** Bytes of every body being read at once; a body that does not fit gets 503 with Retry-After. */
  budget?: ByteBudget;
}

/**
 * Reads a request body and turns it into a plain object for `schema` (see
 * {@link parseRequestBody}). Throws 400 (malformed, or nested too deeply),
 * 408 (slower than `timeoutMs`), 413 (over `maxBytes`, from the
 * Content-Length header before reading, or while reading a chunked body),
 * 415 (other media types), 503 (no room left in `budget`) or
 * {@link ClientClosedError} (the client hung up mid-upload). A number for
 * `limits` is `maxBytes` alone.
 */
export async function readRequestBody(
  c: Context,
  schema: z.ZodType,
  limits: BodyLimits | number,
): Promise<unknown> {
  // Under @hono/node-server: straight from Node's request stream, skipping the
  // web-stream layer (a few milliseconds less per multi-megabyte body); routes
  // must not touch `c.req.raw`'s body or signal first (see `clientSignal`).
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (incoming instanceof IncomingMessage && !incoming.readableDidRead)
    return readIncomingBody(incoming, schema, limits, () => c.header("Connection", "close"));
  const checked = typeof limits === "number" ? { maxBytes: limits } : limits;
  const contentType = checkHeaders(
    requestHeader(c, "content-length"),
    requestHeader(c, "content-type"),
    checked,
  );
  const body = Buffer.from(await c.req.arrayBuffer());
  if (body.length > checked.maxBytes) throw tooLarge(checked.maxBytes);
  return parseRequestBody(body, contentType, schema);
}

/**
 * {@link readRequestBody} for Node's request itself. `closeConnection` is
 * called when reading stopped midway: the rest of the body is not waited
 * for, so the connection must not be kept.
 */
export async function readIncomingBody(
  incoming: IncomingMessage,
  schema: z.ZodType,
  limits: BodyLimits | number,
  closeConnection: () => void,
): Promise<unknown> {
  const checked = typeof limits === "number" ? { maxBytes: limits } : limits;
  const { headers } = incoming;
  const contentType = checkHeaders(headers["content-length"], headers["content-type"], checked);
  let body: Buffer;
  try {
    body = await readIncoming(incoming, checked);
  } catch (error) {
    if (!(error instanceof ClientClosedError)) closeConnection();
    throw error;
  }
  return parseRequestBody(body, contentType, schema);
}

/** 413 from a declared length over the limit and 415 before a byte of the body is read; the content type. */
function checkHeaders(
  contentLength: string | undefined,
  contentType: string | undefined,
  limits: BodyLimits,
): string {
  if (Number(contentLength) > limits.maxBytes) throw tooLarge(limits.maxBytes);
  bodyFormat(contentType ?? "");
  return contentType ?? "";
}

/**
 * Reads Node's request stream whole, holding its bytes against `budget`
 * meanwhile (a declared Content-Length up front, before any byte is read).
 */
function readIncoming(
  incoming: IncomingMessage,
  { maxBytes, timeoutMs, budget }: BodyLimits,
): Promise<Buffer> {
  let taken = 0;
  const take = (total: number) => {
    if (!budget || total <= taken) return;
    if (!budget.tryTake(total - taken)) throw noRoom(budget);
    taken = total;
  };
  const declared = Number(incoming.headers["content-length"]);
  take(Number.isFinite(declared) ? declared : 0);
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const deadline =
      timeoutMs === undefined
        ? undefined
        : deadlinesOf(timeoutMs).set(() =>
            fail(
              new ServeError(
                "REQUEST_TIMEOUT",
                `request body did not arrive within ${timeoutMs} ms (${size} bytes came); send it faster or in a smaller request`,
              ),
            ),
          );
    const settle = () => {
      deadline?.clear();
      budget?.give(taken);
      taken = 0;
      incoming.off("data", onData);
      incoming.off("end", onEnd);
      incoming.off("error", onGone);
      incoming.off("close", onGone);
    };
    const fail = (error: unknown) => {
      settle();
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) return fail(tooLarge(maxBytes));
      try {
        take(size);
      } catch (error) {
        return fail(error);
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      settle();
      resolve(Buffer.concat(chunks, size));
    };
    // A reset or a close before the end: the client hung up mid-upload.
    const onGone = () => fail(new ClientClosedError());
    // `on`, not `once`: settle() removes them all, and `once` wraps each one per request.
    incoming.on("data", onData);
    incoming.on("end", onEnd);
    incoming.on("error", onGone);
    incoming.on("close", onGone);
  });
}

/** The 503 for a body that does not fit in what is left of `budget`. */
function noRoom(budget: ByteBudget): ServeError {
  return new ServeError(
    "OVERLOADED",
    `request bodies being received already hold ${budget.inUse} of the ${budget.limit} bytes allowed at once (maxBodyBytesInFlight); retry shortly`,
    { retryAfterSeconds: 1 },
  );
}

/** The 413 for a body over `maxBytes`. */
function tooLarge(maxBytes: number): ServeError {
  return new ServeError(
    "PAYLOAD_TOO_LARGE",
    `request body is larger than the limit of ${maxBytes} bytes (${(maxBytes / 1024 / 1024).toFixed(1)} MiB)`,
  );
}
