import { spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, type SpawnedServer, spawnServer, waitForReady } from "@servekit/test-kit";
import { afterEach, describe, expect, it } from "vitest";

const fixture = fileURLToPath(new URL("./test-support/serve-fixture.ts", import.meta.url));
const singleFile = fileURLToPath(new URL("./test-support/single-file-server.ts", import.meta.url));

describe("serve", () => {
  let server: SpawnedServer | undefined;
  afterEach(() => {
    server?.child.kill("SIGKILL");
    server = undefined;
  });

  it("refuses a 25 MB body with 413 over a real socket, and keeps serving", async () => {
    server = await spawnServer(["--import", "tsx", fixture]);
    await waitForReady(server.url, { child: server.child });
    const huge = JSON.stringify({ text: "x", image: "A".repeat(25 * 1024 * 1024) });
    const res = await fetch(`${server.url}/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: huge,
    });
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe("PAYLOAD_TOO_LARGE");
    const after = await fetch(`${server.url}/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(after.status).toBe(200);
  });

  it("refuses an oversized chunked body (no Content-Length) with 413 too", async () => {
    server = await spawnServer(["--import", "tsx", fixture]);
    await waitForReady(server.url, { child: server.child });
    const chunk = new TextEncoder().encode("A".repeat(1024 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(new TextEncoder().encode('{"image":"'));
        if (sent++ < 25) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await fetch(`${server.url}/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
  });

  it("finishes a running prediction on SIGTERM, refuses new ones, then exits 0", async () => {
    server = await spawnServer(["--import", "tsx", fixture], { WORKERS: "1" });
    await waitForReady(server.url, { child: server.child });
    const slow = fetch(`${server.url}/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text: "done", sleep_ms: 1_500 }),
    });
    await new Promise((r) => setTimeout(r, 300));
    server.child.kill("SIGTERM");
    const res = await slow;
    expect(res.status).toBe(200);
    expect((await res.json()).text).toBe("done");
    expect(await server.exited).toBe(0);
    expect(server.logs.some((l) => l.msg === "server stopped")).toBe(true);
  });

  it("serves a module that defines the predictor and calls serve() itself, with workers", async () => {
    server = await spawnServer(["--import", "tsx", singleFile]);
    await waitForReady(server.url, { child: server.child });
    const res = await fetch(`${server.url}/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ n: 100 }),
    });
    expect(await res.json()).toEqual({ sum: 5050 });
    // One server: the workers' imports of the module did not listen again.
    expect(server.logs.filter((l) => String(l.msg).startsWith("serving"))).toHaveLength(1);
  });

  it("logs a client that hangs up, queued or running, as 499 at info, and keeps serving", async () => {
    server = await spawnServer(["--import", "tsx", fixture]);
    await waitForReady(server.url, { child: server.child });
    // Inline, one prediction runs at a time: the second one waits in the queue.
    const hangUpLater = (sleepMs: number) => {
      const req = request(`${server!.url}/predict`, {
        method: "POST",
        headers: { "content-type": "application/json" },
      });
      req.on("error", () => {});
      req.end(JSON.stringify({ sleep_ms: sleepMs }));
      return req;
    };
    const running = hangUpLater(10_000);
    await new Promise((r) => setTimeout(r, 300));
    const queued = hangUpLater(10_000);
    await new Promise((r) => setTimeout(r, 300));
    queued.destroy();
    await new Promise((r) => setTimeout(r, 200));
    running.destroy();

    const after = await fetch(`${server.url}/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(after.status).toBe(200);
    const logs = server.logs;
    expect(logs.filter((l) => l.msg === "request" && l.status === 499)).toHaveLength(2);
    const cancelled = logs.filter((l) => String(l.msg).startsWith("client closed the connection"));
    expect(cancelled.map((l) => [l.level, l.msg])).toEqual([
      [30, "client closed the connection while queued; prediction cancelled"],
      [30, "client closed the connection while running; prediction cancelled"],
    ]);
    expect(logs.filter((l) => Number(l.level) >= 50)).toEqual([]);
  });

  it.each([
    ["the fast path", {}],
    ["Hono (CORS on)", { SERVEKIT_CORS_ORIGIN: "*" }],
  ])(
    "has each concurrent prediction's log line written before its answer arrives, through %s",
    async (_, extraEnv) => {
      // stdout is a file: a line the server wrote is there for a synchronous read at once.
      const dir = mkdtempSync(join(tmpdir(), "servekit-log-order-"));
      const logFile = join(dir, "server.log");
      const out = openSync(logFile, "w");
      const port = await freePort();
      const child = spawn(process.execPath, ["--import", "tsx", fixture], {
        env: { ...process.env, PORT: String(port), SERVEKIT_LOG_FORMAT: "json", ...extraEnv },
        stdio: ["ignore", out, "inherit"],
      });
      closeSync(out);
      try {
        const url = `http://127.0.0.1:${port}`;
        await waitForReady(url, { child });
        const loggedIds = () =>
          readFileSync(logFile, "utf8")
            .split("\n")
            .filter((l) => l.includes('"msg":"request"'))
            .map((l) => JSON.parse(l).request_id as string);
        const ids = Array.from({ length: 32 }, (_, i) => `concurrent-${i}`);
        const missingOnArrival = await Promise.all(
          ids.map(async (id) => {
            const res = await fetch(`${url}/predict`, {
              method: "POST",
              headers: { "content-type": "application/json", "x-request-id": id },
              body: JSON.stringify({ text: id }),
            });
            expect(res.status).toBe(200);
            return loggedIds().includes(id) ? [] : [id];
          }),
        );
        expect(missingOnArrival.flat()).toEqual([]);
        expect(
          loggedIds()
            .filter((id) => id.startsWith("concurrent-"))
            .sort(),
        ).toEqual([...ids].sort());
      } finally {
        child.kill("SIGKILL");
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it("sheds load beyond its queue with 503 + Retry-After, answers the rest, and stays up", async () => {
    server = await spawnServer(["--import", "tsx", fixture], { WORKERS: "1", MAX_QUEUE: "4" });
    await waitForReady(server.url, { child: server.child });
    const send = () =>
      fetch(`${server!.url}/predict`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ busy_ms: 400 }),
      });
    const responses = await Promise.all(Array.from({ length: 30 }, send));
    const statuses = responses.map((r) => r.status);
    // One running plus four queued are served; the rest are refused at once.
    expect(statuses.filter((s) => s === 200).length).toBe(5);
    expect(statuses.filter((s) => s === 503).length).toBe(25);
    const refused = responses.find((r) => r.status === 503)!;
    // A refusal behind one running and four queued asks for more than a second:
    // (1 + 4 + 1) × the service time (1 s until one has finished, then ~0.4 s).
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(3);
    expect(retryAfter).toBeLessThanOrEqual(6);
    expect((await refused.json()).error.code).toBe("OVERLOADED");
    expect((await send()).status).toBe(200);
  });

  it("finishes every accepted prediction when SIGTERM arrives under load", async () => {
    server = await spawnServer(["--import", "tsx", fixture], { WORKERS: "1" });
    await waitForReady(server.url, { child: server.child });
    const inFlight = Array.from({ length: 8 }, (_, i) =>
      fetch(`${server!.url}/predict`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ text: `r${i}`, sleep_ms: 150 }),
      }),
    );
    // SIGTERM once all 8 are in (running or queued): on a loaded machine some take a while to arrive.
    for (let held = 0; held < 8; ) {
      await new Promise((r) => setTimeout(r, 20));
      const text = await (await fetch(`${server.url}/metrics`)).text();
      held = [...text.matchAll(/^servekit_(?:predictions_in_flight|queue_depth)\{[^}]*\} (\d+)$/gm)]
        .map((m) => Number(m[1]))
        .reduce((a, b) => a + b, 0);
    }
    server.child.kill("SIGTERM");
    const responses = await Promise.all(inFlight);
    expect(responses.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect((await Promise.all(responses.map((r) => r.json()))).map((o) => o.text)).toEqual(
      Array.from({ length: 8 }, (_, i) => `r${i}`),
    );
    expect(await server.exited).toBe(0);
  });
});
