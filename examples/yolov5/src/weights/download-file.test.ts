import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  closeMidBody,
  type FileServer,
  neverAnswer,
  redirectTo,
  serveBytes,
  stallAfter,
  startFileServer,
} from "@servekit/test-kit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DownloadError } from "./download-error.js";
import { type DownloadFileOptions, downloadFile } from "./download-file.js";
import type { DownloadProgress } from "./download-progress.js";
import { rejectionOf } from "./test-support/rejection-of.js";

const payload = Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 31) % 251));
const digest = createHash("sha256").update(payload).digest("hex");
const wrongDigest = "0".repeat(64);

describe("downloadFile", () => {
  let dir: string;
  let server: FileServer;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "servekit-download-"));
    server = await startFileServer({
      "/model.onnx": serveBytes(payload, 10),
      "/moved": redirectTo("/model.onnx"),
      "/moved-away": redirectTo("/gone.onnx"),
      "/stall-headers": neverAnswer(),
      "/stall-body": stallAfter(1000, payload.length),
      "/cut": closeMidBody(1000, payload.length),
    });
  });

  afterEach(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  function failure(path: string, options: Partial<DownloadFileOptions> = {}) {
    const url = `${server.url}${path.slice(1)}`;
    const download = downloadFile(url, join(dir, "model.onnx"), {
      sha256: digest,
      progressBar: false,
      ...options,
    });
    return rejectionOf(download, DownloadError);
  }

  it("writes the verified file and nothing else", async () => {
    const dest = join(dir, "model.onnx");
    await downloadFile(`${server.url}model.onnx`, dest, { sha256: digest, progressBar: false });
    expect((await readFile(dest)).equals(payload)).toBe(true);
    expect(await readdir(dir)).toEqual(["model.onnx"]);
  });

  it("creates the destination folder and accepts an upper-case digest", async () => {
    const dest = join(dir, "a", "b", "model.onnx");
    await downloadFile(`${server.url}model.onnx`, dest, {
      sha256: digest.toUpperCase(),
      progressBar: false,
    });
    expect((await readFile(dest)).length).toBe(payload.length);
  });

  it("follows a redirect to another path", async () => {
    const dest = join(dir, "model.onnx");
    await downloadFile(`${server.url}moved`, dest, { sha256: digest, progressBar: false });
    expect((await readFile(dest)).equals(payload)).toBe(true);
    expect(server.requests).toEqual(["/moved", "/model.onnx"]);
  });

  it("rejects a checksum mismatch, naming both digests, and keeps nothing", async () => {
    const error = await failure("/model.onnx", { sha256: wrongDigest });
    expect(error.reason).toBe("checksum");
    expect(error.message).toContain(`expected ${wrongDigest}`);
    expect(error.message).toContain(`got ${digest}`);
    expect(error.actualSha256).toBe(digest);
    expect(await readdir(dir)).toEqual([]);
  });

  it("reports an HTTP error status and keeps nothing", async () => {
    const error = await failure("/missing.onnx");
    expect(error.reason).toBe("http");
    expect(error.status).toBe(404);
    expect(error.message).toMatch(/HTTP 404/);
    expect(error.message).toContain(`${server.url}missing.onnx`);
    expect(await readdir(dir)).toEqual([]);
  });

  it("names where a redirect led when its target fails", async () => {
    const error = await failure("/moved-away");
    expect(error.status).toBe(404);
    expect(error.message).toContain(`(redirected to ${server.url}gone.onnx)`);
    expect(await readdir(dir)).toEqual([]);
  });

  it("times out when the server never answers", async () => {
    const error = await failure("/stall-headers", { timeoutMs: 150 });
    expect(error.reason).toBe("timeout");
    expect(error.message).toMatch(/timed out: no data for 150 ms/);
    expect(await readdir(dir)).toEqual([]);
  });

  it("times out when the body stalls half-way, and removes the partial file", async () => {
    const error = await failure("/stall-body", { timeoutMs: 150 });
    expect(error.reason).toBe("timeout");
    expect(await readdir(dir)).toEqual([]);
  });

  it("fails when the server closes the connection mid-body, and removes the partial file", async () => {
    const error = await failure("/cut");
    expect(error.reason).toBe("network");
    expect(await readdir(dir)).toEqual([]);
  });

  it("stops when aborted, and removes the partial file", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await failure("/stall-body", { signal: controller.signal });
    expect(error.reason).toBe("aborted");
    expect(await readdir(dir)).toEqual([]);
  });

  it("reports a refused connection as a network error", async () => {
    const url = server.url;
    await server.close();
    const download = downloadFile(`${url}model.onnx`, join(dir, "model.onnx"), { sha256: digest });
    const error = await rejectionOf(download, DownloadError);
    expect(error.reason).toBe("network");
    expect(error.message).toMatch(/ECONNREFUSED/);
  });

  it("leaves an existing file untouched when the download fails", async () => {
    const dest = join(dir, "model.onnx");
    await writeFile(dest, "old");
    await failure("/model.onnx", { sha256: wrongDigest });
    expect(await readFile(dest, "utf8")).toBe("old");
    expect(await readdir(dir)).toEqual(["model.onnx"]);
  });

  it("reports progress, ending with a done snapshot of the whole file", async () => {
    const seen: DownloadProgress[] = [];
    await downloadFile(`${server.url}model.onnx`, join(dir, "model.onnx"), {
      sha256: digest,
      progressBar: false,
      onProgress: (p) => seen.push(p),
    });
    // How many calls depends on how TCP splits the body; the throttling itself is
    // tested in download-progress.test.ts.
    expect(seen.length).toBeGreaterThanOrEqual(1);
    expect(seen.length).toBeLessThanOrEqual(10);
    expect(seen.at(-1)).toMatchObject({ done: true, receivedBytes: payload.length });
    expect(seen.every((p) => p.totalBytes === payload.length)).toBe(true);
    const received = seen.map((p) => p.receivedBytes);
    expect(received).toEqual([...received].sort((a, b) => a - b));
  });

  it("refuses a malformed digest or timeout before sending any request", async () => {
    await expect(
      downloadFile(`${server.url}model.onnx`, join(dir, "model.onnx"), { sha256: "abc" }),
    ).rejects.toThrow(/sha256 must be 64 hex digits, got "abc"/);
    await expect(
      downloadFile(`${server.url}model.onnx`, join(dir, "model.onnx"), {
        sha256: digest,
        timeoutMs: 0,
      }),
    ).rejects.toThrow("timeoutMs must be a positive number of milliseconds, got 0");
    expect(server.requests).toEqual([]);
  });
});
