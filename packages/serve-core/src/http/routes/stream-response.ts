import { toServeError } from "../../errors.js";
import type { PredictionOutcome } from "../../runtime/runtime-types.js";

/** How a streaming prediction is sent: Server-Sent Events or one JSON object per line. */
export type StreamFormat = "sse" | "ndjson";

const CONTENT_TYPES: Record<StreamFormat, string> = {
  sse: "text/event-stream; charset=utf-8",
  ndjson: "application/x-ndjson; charset=utf-8",
};

/** The stream format an `Accept` header asks for, if any. */
export function streamFormatFor(accept: string | undefined): StreamFormat | undefined {
  if (!accept) return undefined;
  if (accept.includes("text/event-stream")) return "sse";
  if (accept.includes("application/x-ndjson") || accept.includes("application/jsonl"))
    return "ndjson";
  return undefined;
}

/**
 * Streams a prediction's items as they are produced. SSE sends `event: output`
 * per item, then `event: done` (or `event: error` with the error body);
 * NDJSON sends one item per line (an error as `{"error": …}`). Errors before
 * the first item are thrown instead, so they get their usual status code.
 *
 * @example
 * return streamPrediction("sse", (onChunk) => runtime.predict(input, { requestId: id, signal, onChunk }), id);
 */
export async function streamPrediction(
  format: StreamFormat,
  run: (onChunk: (chunk: unknown) => void) => Promise<PredictionOutcome>,
  requestId: string,
): Promise<Response> {
  const encoder = new TextEncoder();
  const buffered: Uint8Array[] = [];
  let sink: ReadableStreamDefaultController<Uint8Array> | undefined;
  const emit = (event: "output" | "done" | "error", data: unknown) => {
    const text =
      format === "sse"
        ? `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`
        : event === "done"
          ? ""
          : `${JSON.stringify(event === "error" ? { error: data } : data)}\n`;
    if (text === "") return;
    const bytes = encoder.encode(text);
    if (sink) sink.enqueue(bytes);
    else buffered.push(bytes);
  };

  let started!: () => void;
  const firstItem = new Promise<void>((resolve) => {
    started = resolve;
  });
  const finished = run((chunk) => {
    emit("output", chunk);
    started();
  });
  // Whichever comes first: an item (stream it) or the end (maybe an error to throw as-is).
  await Promise.race([firstItem, finished.catch(() => {})]);
  if (buffered.length === 0) await finished; // no item yet: a failure throws with its own status

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      sink = controller;
      for (const bytes of buffered.splice(0)) controller.enqueue(bytes);
      finished.then(
        () => {
          emit("done", {});
          controller.close();
        },
        (error: unknown) => {
          emit("error", toServeError(error).toBody(requestId).error);
          controller.close();
        },
      );
    },
  });
  return new Response(body, {
    headers: {
      "Content-Type": CONTENT_TYPES[format],
      "Cache-Control": "no-cache",
      "X-Request-Id": requestId,
    },
  });
}
