import { ServekitError, ServekitNetworkError } from "./errors.js";
import { parseSse } from "./sse.js";

/**
 * The items of a streamed answer: `event: output` items until `event: done`;
 * `event: error` throws. A server that answered plain JSON (a predictor
 * without `stream: true`) gives its items (an array) or its one output.
 *
 * @example
 * for await (const item of readStream(response, url)) console.log(item);
 */
export async function* readStream(response: Response, url: string): AsyncGenerator<unknown> {
  const type = response.headers.get("content-type") ?? "";
  if (!type.includes("text/event-stream") || !response.body) {
    const body: unknown = await response.json();
    if (Array.isArray(body)) yield* body;
    else yield body;
    return;
  }
  for await (const { event, data } of parseSse(response.body)) {
    if (event === "output") yield JSON.parse(data);
    else if (event === "done") return;
    else if (event === "error") throw streamError(data, response);
  }
  throw new ServekitNetworkError(
    `the stream from ${url} ended before its "done" event; the server or a proxy closed it`,
    { url },
  );
}

/** An `event: error`'s `{code, message, details, request_id}` as a ServekitError. */
function streamError(data: string, response: Response): ServekitError {
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(data) as Record<string, unknown>;
  } catch {
    body = { message: data };
  }
  const requestId = response.headers.get("x-request-id") ?? undefined;
  return new ServekitError({
    status: 0,
    code: typeof body.code === "string" ? body.code : "STREAM_ERROR",
    message: typeof body.message === "string" ? body.message : "the stream ended with an error",
    details: body.details,
    requestId: typeof body.request_id === "string" ? body.request_id : requestId,
  });
}
