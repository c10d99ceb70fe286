import type { RunningServer } from "@servekit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { predictor as hello } from "../../../examples/hello/src/predictor.js";
import { createClient } from "./client.js";
import { ServekitError } from "./errors.js";
import { startServer, words } from "./test-support/servers.js";

describe("client.stream", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer(words);
  });
  afterAll(() => server.close());

  it("yields the items of the server's Server-Sent Events, typed", async () => {
    const client = createClient<typeof words>({ baseUrl: server.url });
    const seen: string[] = [];
    for await (const item of client.stream({ text: "one two three" }))
      seen.push(`${item.index}:${item.word}`);
    expect(seen).toEqual(["0:one", "1:two", "2:three"]);
  });

  it("throws the stream's error event as a ServekitError after the items before it", async () => {
    const client = createClient<typeof words>({ baseUrl: server.url });
    const seen: string[] = [];
    const error = await (async () => {
      for await (const item of client.stream({ text: "one boom two" })) seen.push(item.word);
    })().catch((e: unknown) => e);
    expect(seen).toEqual(["one"]);
    expect(error).toBeInstanceOf(ServekitError);
    expect(error).toMatchObject({ code: "PREDICTION_FAILED" });
    expect((error as ServekitError).requestId).toMatch(/\S/);
  });

  it("throws an error before the first item with its status", async () => {
    const client = createClient<typeof words>({ baseUrl: server.url });
    const iterate = async () => {
      for await (const _ of client.stream({ text: "boom" })) {
      }
    };
    await expect(iterate()).rejects.toMatchObject({ status: 500, code: "PREDICTION_FAILED" });
  });

  it("stops early when the loop breaks", async () => {
    const client = createClient<typeof words>({ baseUrl: server.url });
    for await (const item of client.stream({ text: "a b c d" })) {
      expect(item.word).toBe("a");
      break;
    }
    expect(await client.predict({ text: "x y" })).toEqual([
      { word: "x", index: 0 },
      { word: "y", index: 1 },
    ]);
  });

  it("yields the one output of a predictor that does not stream", async () => {
    const other = await startServer(hello);
    try {
      const client = createClient<typeof hello>({ baseUrl: other.url });
      const seen: unknown[] = [];
      for await (const item of client.stream({ name: "Ada" })) seen.push(item);
      expect(seen).toEqual([{ greeting: "Hello, Ada!" }]);
    } finally {
      await other.close();
    }
  });
});
