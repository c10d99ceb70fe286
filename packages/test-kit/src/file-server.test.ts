import { afterEach, describe, expect, it } from "vitest";
import { type FileServer, startFileServer } from "./file-server.js";
import { closeMidBody, redirectTo, serveBytes, stallAfter } from "./responders.js";

describe("startFileServer", () => {
  let server: FileServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("serves each path with its handler, on loopback, and records the paths asked for", async () => {
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => i % 251);
    server = await startFileServer({ "/model.onnx": serveBytes(bytes, 7) });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const res = await fetch(`${server.url}model.onnx`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-length")).toBe("1000");
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);
    expect(server.requests).toEqual(["/model.onnx"]);
  });

  it("answers 404 for a path it has no handler for", async () => {
    server = await startFileServer({ "/model.onnx": serveBytes(new Uint8Array(1)) });
    const res = await fetch(`${server.url}other.onnx`);
    expect(res.status).toBe(404);
    expect(await res.text()).toBe("not found");
    expect(server.requests).toEqual(["/other.onnx"]);
  });

  it("follows a redirect to another of its paths", async () => {
    server = await startFileServer({
      "/old": redirectTo("/new"),
      "/new": serveBytes(Buffer.from("moved")),
    });
    const res = await fetch(`${server.url}old`);
    expect(await res.text()).toBe("moved");
    expect(server.requests).toEqual(["/old", "/new"]);
  });

  it("cuts a body short, so the client sees an error rather than a short file", async () => {
    server = await startFileServer({ "/cut": closeMidBody(10, 100) });
    const res = await fetch(`${server.url}cut`);
    await expect(res.arrayBuffer()).rejects.toThrow();
  });

  it("closes even while a response it stalled is still open", async () => {
    server = await startFileServer({ "/stall": stallAfter(5, 100) });
    const res = await fetch(`${server.url}stall`);
    expect(res.status).toBe(200);
    const body = res.arrayBuffer().catch((error: Error) => error);
    await server.close();
    server = undefined;
    expect(await body).toBeInstanceOf(Error);
  });
});
