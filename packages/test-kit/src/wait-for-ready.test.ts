import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "./free-port.js";
import { waitForReady } from "./wait-for-ready.js";

/** A loopback server whose /health/ready answers 503 `notReadyFor` times, then 200. */
async function probe(notReadyFor: number) {
  const paths: string[] = [];
  const server: Server = createServer((req, res) => {
    paths.push(req.url ?? "");
    res.writeHead(paths.length > notReadyFor ? 200 : 503).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, paths, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe("waitForReady", () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const clean of cleanup.splice(0)) await clean();
  });

  it("polls /health/ready until it answers 200", async () => {
    const server = await probe(2);
    cleanup.push(server.close);
    await waitForReady(server.url, { intervalMs: 5 });
    expect(server.paths).toEqual(["/health/ready", "/health/ready", "/health/ready"]);
  });

  it("polls another path when asked, with or without a trailing slash on the URL", async () => {
    const server = await probe(0);
    cleanup.push(server.close);
    await waitForReady(`${server.url}/`, { path: "/-/ping" });
    expect(server.paths).toEqual(["/-/ping"]);
  });

  it("rejects with the last answer once the time is up", async () => {
    const server = await probe(Number.POSITIVE_INFINITY);
    cleanup.push(server.close);
    await expect(waitForReady(server.url, { timeoutMs: 60, intervalMs: 10 })).rejects.toThrow(
      `${server.url}/health/ready did not answer 200 within 60 ms (last: HTTP 503)`,
    );
  });

  it("names a refused connection when nothing listens", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    await expect(waitForReady(url, { timeoutMs: 30, intervalMs: 10 })).rejects.toThrow(
      "(last: ECONNREFUSED)",
    );
  });

  it("rejects as soon as the child exits, long before the timeout", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const child = spawn(process.execPath, ["-e", "setTimeout(() => process.exit(3), 100)"]);
    const started = Date.now();
    await expect(waitForReady(url, { child, timeoutMs: 30_000 })).rejects.toThrow(
      `the server exited (code 3) before ${url}/health/ready answered 200`,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("rejects at once for a child that had already been killed", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60_000)"]);
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
    await expect(waitForReady(url, { child })).rejects.toThrow("exited (signal SIGTERM)");
  });
});
