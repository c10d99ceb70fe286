import { fileURLToPath } from "node:url";
import { type SpawnedServer, spawnServer } from "@servekit/test-kit";
import { afterEach, describe, expect, it } from "vitest";

const fixture = fileURLToPath(new URL("../test-support/serve-fixture.ts", import.meta.url));

async function until(what: string, ok: () => boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const readyPids = (server: SpawnedServer) =>
  server.logs.filter((l) => l.msg === "process ready").map((l) => l.worker_pid as number);

function predict(server: SpawnedServer, body: object, requestId?: string) {
  return fetch(`${server.url}/predict`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(requestId ? { "x-request-id": requestId } : {}),
    },
    body: JSON.stringify(body),
  });
}

/** Pid of the process that logged the request, from its access-log line. */
async function servedBy(server: SpawnedServer, requestId: string): Promise<number> {
  const line = () => server.logs.find((l) => l.request_id === requestId && l.msg === "request");
  await until(`the access log of ${requestId}`, () => line() !== undefined);
  return line()!.pid as number;
}

describe("serve with processes", () => {
  let server: SpawnedServer | undefined;
  afterEach(() => {
    server?.child.kill("SIGKILL");
    for (const pid of server ? readyPids(server) : []) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
    server = undefined;
  });

  async function start(env: Record<string, string> = {}): Promise<SpawnedServer> {
    const s = await spawnServer(["--import", "tsx", fixture], { PROCESSES: "2", ...env });
    await until("both processes ready", () => readyPids(s).length >= 2);
    return s;
  }

  it("answers from two different processes on one port", async () => {
    server = await start();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.url).not.toMatch(/:0$/);
    const ids = Array.from({ length: 8 }, (_, i) => `cluster-${i}`);
    const responses = await Promise.all(ids.map((id) => predict(server!, { text: id }, id)));
    expect(responses.map((r) => r.status)).toEqual(Array(8).fill(200));
    const pids = new Set(await Promise.all(ids.map((id) => servedBy(server!, id))));
    expect(pids).toEqual(new Set(readyPids(server)));
    expect(pids.has(server.child.pid!)).toBe(false);
  });

  it("answers every in-flight prediction on SIGTERM, then exits 0", async () => {
    server = await start();
    const inFlight = Array.from({ length: 8 }, (_, i) =>
      predict(server!, { text: `r${i}`, sleep_ms: 600 }),
    );
    await new Promise((r) => setTimeout(r, 250));
    server.child.kill("SIGTERM");
    const responses = await Promise.all(inFlight);
    expect(responses.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect((await Promise.all(responses.map((r) => r.json()))).map((o) => o.text)).toEqual(
      Array.from({ length: 8 }, (_, i) => `r${i}`),
    );
    expect(await server.exited).toBe(0);
    expect(server.logs.filter((l) => l.msg === "server stopped")).toHaveLength(2);
    expect(server.logs.some((l) => l.msg === "cluster stopped" && l.killed === false)).toBe(true);
  });

  it("replaces a process killed with SIGKILL and keeps answering", async () => {
    server = await start();
    const [victim, survivor] = readyPids(server);
    process.kill(victim!, "SIGKILL");
    // node:cluster loses a connection handed to a process in the instant it dies, so wait
    // for the primary to notice; then the survivor answers while the victim is replaced.
    const noticed = () =>
      server!.logs.some(
        (l) => l.msg === "process exited unexpectedly; restarting it" && l.worker_pid === victim,
      );
    await until("the primary to notice the exit", noticed);
    for (let i = 0; i < 4; i++)
      expect((await predict(server, { text: "meanwhile" })).status).toBe(200);
    await until("a replacement process", () => readyPids(server!).length >= 3);
    const replacement = readyPids(server).at(-1)!;
    expect([victim, survivor]).not.toContain(replacement);
    const ids = Array.from({ length: 8 }, (_, i) => `after-${i}`);
    const responses = await Promise.all(ids.map((id) => predict(server!, {}, id)));
    expect(responses.map((r) => r.status)).toEqual(Array(8).fill(200));
    const pids = new Set(await Promise.all(ids.map((id) => servedBy(server!, id))));
    expect(pids).toEqual(new Set([survivor, replacement]));
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
  });
});
