import { chmodSync, existsSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";

// What the deploy CLI tests share: the fake `docker` of this folder, the log
// the fakes write their calls to, and a loopback server that stands in for
// the deployed container.

/**
 * This folder, which holds the fake `docker`: put it on PATH. Git keeps the
 * executable bit, but a checkout without it must not fail the tests.
 */
export function fakeDockerDir(): string {
  const dir = fileURLToPath(new URL(".", import.meta.url));
  chmodSync(`${dir}/docker`, 0o755);
  return dir;
}

/** Every call the fakes appended to `log` (their FAKE_BIN_LOG), as argv arrays; none before the first. */
export function recordedCalls(log: string): string[][] {
  if (!existsSync(log)) return [];
  return readFileSync(log, "utf8")
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as string[]);
}

/**
 * A server on a free loopback port that stands in for the deployed
 * container: 200 `{"status":"READY"}` on /health/ready, 404 elsewhere.
 * `onRequest` sees each request, so tests can check what was asked.
 */
export async function startFakeContainer(
  onRequest: (req: IncomingMessage) => void,
): Promise<{ server: Server; port: number; url: string }> {
  const server = createServer((req, res) => {
    onRequest(req);
    res.writeHead(req.url === "/health/ready" ? 200 : 404, { "content-type": "application/json" });
    res.end('{"status":"READY"}');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { server, port, url: `http://127.0.0.1:${port}` };
}
