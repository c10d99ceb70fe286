import { type Agent, type IncomingHttpHeaders, request } from "node:http";

/** What a benchmark request got back. */
export interface PostResult {
  status: number;
  headers: IncomingHttpHeaders;
  /** The response body; only collected when asked for (it costs the load generator CPU). */
  body: Buffer | undefined;
}

/**
 * POSTs a pre-encoded JSON body over a keep-alive agent with plain node:http,
 * which keeps the load generator's own CPU use small on a shared machine.
 *
 * @example
 * const { status } = await postJson(agent, new URL("http://127.0.0.1:8000/predict"), body);
 */
export function postJson(
  agent: Agent,
  url: URL,
  body: Buffer,
  options: { readBody?: boolean } = {},
): Promise<PostResult> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": body.length },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => {
          if (options.readBody) chunks.push(chunk);
        });
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: options.readBody ? Buffer.concat(chunks) : undefined,
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}
