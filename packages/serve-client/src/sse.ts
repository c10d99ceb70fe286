/** One Server-Sent Event: its `event` name (`message` when none) and its `data` lines joined. */
export interface SseEvent {
  event: string;
  data: string;
  id: string | undefined;
}

/**
 * Parses a `text/event-stream` body into events, as the WHATWG spec says:
 * lines end in LF, CR or CRLF; `data:` lines of one event join with "\n";
 * one space after the colon is dropped; lines starting with `:` are comments;
 * a blank line ends an event; an event cut off by the end of the body is dropped.
 *
 * @example
 * for await (const { event, data } of parseSse(response.body!)) console.log(event, JSON.parse(data));
 */
export async function* parseSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let buffer = "";
  let event = "";
  let id: string | undefined;
  let data: string[] = [];
  try {
    for (;;) {
      const { done, value } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      let lineEnd = nextLineEnd(buffer, done);
      while (lineEnd !== -1) {
        const line = buffer.slice(0, lineEnd);
        const skip = buffer[lineEnd] === "\r" && buffer[lineEnd + 1] === "\n" ? 2 : 1;
        buffer = buffer.slice(lineEnd + skip);
        if (line === "") {
          if (data.length > 0) yield { event: event || "message", data: data.join("\n"), id };
          event = "";
          data = [];
        } else if (!line.startsWith(":")) {
          const colon = line.indexOf(":");
          const field = colon === -1 ? line : line.slice(0, colon);
          let text = colon === -1 ? "" : line.slice(colon + 1);
          if (text.startsWith(" ")) text = text.slice(1);
          if (field === "event") event = text;
          else if (field === "data") data.push(text);
          else if (field === "id") id = text;
        }
        lineEnd = nextLineEnd(buffer, done);
      }
      if (done) return;
    }
  } finally {
    // Stops the download when the consumer breaks out of its loop early.
    await reader.cancel().catch(() => {});
  }
}

/**
 * Index of the next line ending. A lone "\r" at the very end of a chunk may
 * be the first half of "\r\n", so it waits for more data unless the body ended.
 */
function nextLineEnd(buffer: string, done: boolean): number {
  for (let i = 0; i < buffer.length; i++) {
    const char = buffer[i];
    if (char === "\n") return i;
    if (char === "\r") return i === buffer.length - 1 && !done ? -1 : i;
  }
  return -1;
}
