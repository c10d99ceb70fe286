import { describe, expect, it } from "vitest";
import { parseSse, type SseEvent } from "./sse.js";

/** A body delivered in the given chunks, as a network would split it. */
function body(...chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function events(stream: ReadableStream<Uint8Array>): Promise<SseEvent[]> {
  const seen: SseEvent[] = [];
  for await (const event of parseSse(stream)) seen.push(event);
  return seen;
}

describe("parseSse", () => {
  it("reads named events and joins multi-line data with newlines", async () => {
    expect(
      await events(body("event: output\ndata: one\ndata: two\n\nevent: done\ndata: {}\n\n")),
    ).toEqual([
      { event: "output", data: "one\ntwo", id: undefined },
      { event: "done", data: "{}", id: undefined },
    ]);
  });

  it("handles CRLF and CR line ends, even split across chunks", async () => {
    expect(await events(body("data: a\r", "\n\r", "\ndata:b\r\r"))).toEqual([
      { event: "message", data: "a", id: undefined },
      { event: "message", data: "b", id: undefined },
    ]);
  });

  it("skips comments and keeps a UTF-8 character split between chunks", async () => {
    const bytes = new TextEncoder().encode("data: café\n\n");
    const split = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(": keep-alive\n"));
        controller.enqueue(bytes.slice(0, 9));
        controller.enqueue(bytes.slice(9));
        controller.close();
      },
    });
    expect(await events(split)).toEqual([{ event: "message", data: "café", id: undefined }]);
  });

  it("drops an event the body cut off before its blank line", async () => {
    expect(await events(body("data: whole\n\ndata: half"))).toEqual([
      { event: "message", data: "whole", id: undefined },
    ]);
  });

  it("keeps the last id and only drops one space after the colon", async () => {
    expect(await events(body("id: 7\ndata:  two spaces\n\n"))).toEqual([
      { event: "message", data: " two spaces", id: "7" },
    ]);
  });
});
