import { createServer } from "node:net";

/**
 * A TCP port free on 127.0.0.1 right now (another process may take it before
 * you listen on it; prefer `listen(0)` where the code under test allows it).
 *
 * @example
 * const port = await freePort();
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.once("error", reject);
  });
}
