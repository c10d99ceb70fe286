import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the test server saw. */
export interface SeenRequest {
  path: string;
  range: string | undefined;
}

/** A loopback file server for download tests, with Range support and injectable faults. */
export interface WeightsServer {
  url(path: string): string;
  readonly requests: SeenRequest[];
  /** Responses that sent a whole file from byte 0 to its end. */
  readonly fullBodies: number;
  close(): Promise<void>;
}

/**
 * Serves `files` on 127.0.0.1 (free port). `cutFirstAfter`: the first
 * response of each file sends that many bytes, then destroys the socket.
 * `hold`: awaited halfway through each body (to keep a download in flight).
 */
export async function startWeightsServer(options: {
  files: Record<string, Buffer>;
  cutFirstAfter?: number;
  hold?: () => Promise<void>;
  status?: number;
}): Promise<WeightsServer> {
  const requests: SeenRequest[] = [];
  const cut = new Set<string>();
  let fullBodies = 0;
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    requests.push({ path, range: req.headers.range });
    const body = options.files[path];
    if (options.status !== undefined || body === undefined) {
      res.writeHead(options.status ?? 404).end("no such file");
      return;
    }
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
    const start = range ? Number(range[1]) : 0;
    if (start >= body.length && range) {
      res.writeHead(416, { "content-range": `bytes */${body.length}` }).end();
      return;
    }
    const headers: Record<string, string | number> = { "content-length": body.length - start };
    if (range) headers["content-range"] = `bytes ${start}-${body.length - 1}/${body.length}`;
    res.writeHead(range ? 206 : 200, headers);
    if (options.cutFirstAfter !== undefined && !cut.has(path)) {
      cut.add(path);
      res.write(body.subarray(start, start + options.cutFirstAfter), () => res.socket?.destroy());
      return;
    }
    const half = start + Math.floor((body.length - start) / 2);
    await write(res, body.subarray(start, half));
    await options.hold?.();
    res.end(body.subarray(half));
    if (start === 0) fullBodies++;
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    requests,
    get fullBodies() {
      return fullBodies;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function write(res: ServerResponse, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) =>
    res.write(chunk, (error) => (error ? reject(error) : resolve())),
  );
}
