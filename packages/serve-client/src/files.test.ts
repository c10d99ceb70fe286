import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunningServer } from "@servekit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "./client.js";
import { fileInfo, startServer } from "./test-support/servers.js";

// The first bytes of a PNG: enough for the server to sniff the type.
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);

describe("file inputs", () => {
  let server: RunningServer;
  let dir: string;
  let requests: { contentType: string | null; url: string }[];
  let client: ReturnType<typeof createClient<typeof fileInfo>>;
  beforeAll(async () => {
    server = await startServer(fileInfo);
    dir = await mkdtemp(join(tmpdir(), "serve-client-"));
    await writeFile(join(dir, "page.png"), PNG);
    requests = [];
    const recording: typeof fetch = (input, init) => {
      requests.push({
        url: String(input),
        contentType:
          init?.body instanceof FormData
            ? "multipart/form-data"
            : new Headers(init?.headers).get("content-type"),
      });
      return fetch(input, init);
    };
    client = createClient<typeof fileInfo>({
      baseUrl: server.url,
      fetch: recording,
      multipartThresholdBytes: 1024,
    });
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });
  const lastContentType = () => requests.at(-1)?.contentType;

  it("reads a path in a file field, and leaves a same-named string field alone", async () => {
    const path = join(dir, "page.png");
    const output = await client.predict({ document: path, label: path });
    expect(output).toMatchObject({ bytes: PNG.length, mediaType: "image/png", label: path });
    expect(lastContentType()).toBe("application/json");
  });

  it("sends a Buffer as base64 JSON", async () => {
    const output = await client.predict({ document: Buffer.from(PNG), copies: 2 });
    expect(output).toMatchObject({ bytes: PNG.length, mediaType: "image/png", copies: 2 });
    expect(lastContentType()).toBe("application/json");
  });

  it("uploads a File as multipart with its name, other fields parsed by the schema", async () => {
    const upload = new File([PNG], "scan.png", { type: "image/png" });
    const output = await client.predict({ document: upload, label: "scan", copies: 3 });
    expect(output).toEqual({
      bytes: PNG.length,
      mediaType: "image/png",
      filename: "scan.png",
      label: "scan",
      copies: 3,
    });
    expect(lastContentType()).toBe("multipart/form-data");
  });

  it("uploads bytes over the threshold as multipart", async () => {
    const big = new Uint8Array(4096);
    big.set(PNG);
    const output = await client.predict({ document: big });
    expect(output).toMatchObject({ bytes: 4096, mediaType: "image/png" });
    expect(lastContentType()).toBe("multipart/form-data");
  });

  it("sends files of async predictions as base64 JSON, whatever their size or kind", async () => {
    const created = await client.predictions.create({ document: new Blob([PNG]) });
    expect(lastContentType()).toBe("application/json");
    const done = await client.predictions.wait(created, { intervalMs: 10 });
    expect(done.output).toMatchObject({ bytes: PNG.length, mediaType: "image/png" });
  });

  it("says which path it could not read", async () => {
    await expect(client.predict({ document: join(dir, "missing.png") })).rejects.toThrow(
      /could not read file ".*missing\.png" \(ENOENT\)/,
    );
  });
});
