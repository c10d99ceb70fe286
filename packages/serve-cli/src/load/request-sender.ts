import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { RequestTemplate } from "./request-template.js";

/** What one request came to: an HTTP status, or a network error. */
export type RequestOutcome =
  | { kind: "response"; status: number; bytes: number; errorCode?: string | undefined }
  | { kind: "network"; error: string };

/** Sends the template's request over keep-alive connections. */
export interface RequestSender {
  send(): Promise<RequestOutcome>;
  /** Closes the connections. */
  close(): void;
}

/**
 * A sender for `template` with at most `connections` keep-alive sockets
 * (one per virtual user), over plain node:http: it costs the load
 * generator less CPU per request than fetch, so the server is measured,
 * not the client. Non-2xx bodies are read for the server's
 * `{error: {code}}`; 2xx bodies are only counted.
 *
 * @example
 * const sender = createRequestSender(template, { connections: 16 });
 * const outcome = await sender.send();
 */
export function createRequestSender(
  template: RequestTemplate,
  options: { connections: number; timeoutMs?: number },
): RequestSender {
  const url = new URL(template.baseUrl + template.path);
  const secure = url.protocol === "https:";
  const agentOptions = { keepAlive: true, maxSockets: options.connections };
  const agent = secure ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
  const request = secure ? httpsRequest : httpRequest;
  const headers = { ...template.headers, "content-length": String(template.body.length) };
  const timeoutMs = options.timeoutMs ?? 60_000;
  return {
    send: () =>
      new Promise((resolve) => {
        const req = request(url, { method: "POST", agent, headers }, (res) => {
          const status = res.statusCode ?? 0;
          const failed = status < 200 || status >= 300;
          const chunks: Buffer[] = [];
          let bytes = 0;
          res.on("data", (chunk: Buffer) => {
            bytes += chunk.length;
            if (failed && bytes < 64 * 1024) chunks.push(chunk);
          });
          res.on("end", () =>
            resolve({
              kind: "response",
              status,
              bytes,
              errorCode: failed ? errorCodeIn(Buffer.concat(chunks)) : undefined,
            }),
          );
          res.on("error", (error) => resolve(networkOutcome(error)));
        });
        req.setTimeout(timeoutMs, () =>
          req.destroy(Object.assign(new Error("timeout"), { code: "ETIMEDOUT" })),
        );
        req.on("error", (error) => resolve(networkOutcome(error)));
        req.end(template.body);
      }),
    close: () => agent.destroy(),
  };
}

function networkOutcome(error: Error): RequestOutcome {
  return { kind: "network", error: (error as NodeJS.ErrnoException).code ?? error.message };
}

/** The server's `{error: {code}}`, when the body is one. */
function errorCodeIn(body: Buffer): string | undefined {
  try {
    const code = (JSON.parse(body.toString("utf8")) as { error?: { code?: unknown } }).error?.code;
    return typeof code === "string" ? code : undefined;
  } catch {
    return undefined;
  }
}
