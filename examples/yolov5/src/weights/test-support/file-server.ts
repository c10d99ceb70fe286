import { createServer, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";

/** A loopback HTTP server for download tests; it never listens beyond 127.0.0.1. */
export interface FileServer {
  /** Base URL with a trailing slash, e.g. "http://127.0.0.1:41234/". */
  url: string;
  /** Paths requested so far, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1, port 0, answering each path with its handler (404 otherwise). */
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

/** Answers with `bytes`, in `chunks` writes (to exercise progress reporting). */
export function serveBytes(bytes: Uint8Array, chunks = 1): RequestListener {
  return (_req, res) => {
    res.writeHead(200, {
      "content-type": "application/octet-stream",
      "content-length": bytes.length,
    });
    const size = Math.ceil(bytes.length / chunks);
    for (let start = 0; start < bytes.length; start += size) {
      res.write(bytes.subarray(start, start + size));
    }
    res.end();
  };
}

/** Redirects (302) to another path on the same server. */
export function redirectTo(path: string): RequestListener {
  return (_req, res) => {
    res.writeHead(302, { location: path }).end();
  };
}

/** Sends the headers and the first `sentBytes` of a longer body, then goes silent. */
export function stallAfter(sentBytes: number, totalBytes: number): RequestListener {
  return (_req, res) => {
    res.writeHead(200, { "content-length": totalBytes });
    if (sentBytes > 0) res.write(Buffer.alloc(sentBytes, 1));
  };
}

/** Never answers at all. */
export function neverAnswer(): RequestListener {
  return () => {};
}

/** Promises `totalBytes`, sends `sentBytes`, then drops the connection. */
export function closeMidBody(sentBytes: number, totalBytes: number): RequestListener {
  return (_req, res) => {
    res.writeHead(200, { "content-length": totalBytes });
    res.write(Buffer.alloc(sentBytes, 2), () => res.socket?.destroy());
  };
}
