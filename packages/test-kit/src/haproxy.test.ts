import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Haproxy, haproxyConfig, haproxyMissingReason, startHaproxy } from "./haproxy.js";

describe("haproxyConfig", () => {
  it("checks each server's readiness and sends a refused request to another server", () => {
    const config = haproxyConfig({
      frontendPort: 8080,
      statsPort: 8404,
      servers: [
        { name: "a", port: 8001 },
        { name: "b", port: 8002 },
      ],
    });
    expect(config).toContain("bind 127.0.0.1:8080");
    expect(config).toContain("option httpchk GET /health/ready");
    expect(config).toContain("http-check expect status 200");
    expect(config).toContain("retry-on conn-failure empty-response 503");
    expect(config).toContain("option redispatch 1");
    expect(config).toMatch(/server a 127\.0\.0\.1:8001\n {2}server b 127\.0\.0\.1:8002\n/);
  });
});

/** A loopback server that is ready and answers every other path with its name. */
async function startBackend(name: string): Promise<Server> {
  const server = createServer((req, res) => {
    res.end(req.url === "/health/ready" ? "ready" : name);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

const portOf = (server: Server) => (server.address() as AddressInfo).port;

const haproxyMissing = haproxyMissingReason();

describe.skipIf(haproxyMissing)("startHaproxy", () => {
  let a: Server;
  let b: Server;
  let lb: Haproxy;

  beforeAll(async () => {
    [a, b] = await Promise.all([startBackend("a"), startBackend("b")]);
    lb = await startHaproxy({
      servers: [
        { name: "a", port: portOf(a) },
        { name: "b", port: portOf(b) },
      ],
    });
  });
  afterAll(async () => {
    await lb?.stop();
    a?.close();
    b?.close();
  });

  it("balances over the servers that pass their check, and says which one answered", async () => {
    await lb.waitForServer("a", "UP");
    await lb.waitForServer("b", "UP");
    const answers = await Promise.all(
      [1, 2, 3, 4].map(async () => {
        const res = await fetch(`${lb.url}/hello`);
        return `${res.headers.get("x-served-by")}:${await res.text()}`;
      }),
    );
    expect(new Set(answers)).toEqual(new Set(["a:a", "b:b"]));
  });

  it("answers from the other server once one is gone, and then sees it DOWN", async () => {
    // Nothing listens on a's port any more, and its kept-alive connections are gone too.
    const closed = new Promise((resolve) => a.close(resolve));
    a.closeAllConnections();
    await closed;
    for (let i = 0; i < 4; i++) expect(await (await fetch(`${lb.url}/hello`)).text()).toBe("b");
    await lb.waitForServer("a", "DOWN");
  });

  it("stops by its PID", async () => {
    await lb.stop();
    await expect(fetch(`${lb.url}/hello`)).rejects.toThrow();
  });
});
