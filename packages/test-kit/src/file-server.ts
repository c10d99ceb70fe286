import { createServer, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";

/** A loopback HTTP server for download and webhook tests; it never listens beyond 127.0.0.1. */
export interface FileServer {
  /** Base URL with a trailing slash, e.g. "http://127.0.0.1:41234/". */
  url: string;
  /** Paths requested so far, in order. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * Starts a server on 127.0.0.1, port 0, answering each path with its handler
 * (404 otherwise); the canned handlers in `responders.ts` cover the usual
 * download cases.
 *
 * @example
 * const files = await startFileServer({ "/model.onnx": serveBytes(bytes) });
 * await download(`${files.url}model.onnx`);
 * await files.close();
 */
export async function startFileServer(
  routes: Record<string, RequestListener>,
): Promise<FileServer> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = req.url ?? "/";
    requests.push(path);
    const handler = routes[path];
    if (handler === undefined) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    handler(req, res);
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
