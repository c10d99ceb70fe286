import type { RequestListener } from "node:http";

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
