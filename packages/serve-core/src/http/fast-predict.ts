import type { IncomingMessage, ServerResponse } from "node:http";
import { type LineBeforeAnswer, logLinesOf } from "../log-lines.js";
import type { Logger } from "../logger.js";
import type { HttpMetrics } from "../metrics/http-metrics.js";
import type { ResolvedServeOptions } from "../options.js";
import type { ModelRegistry } from "../runtime/models/model-registry.js";
import { tracingEnabled } from "../tracing/tracing-state.js";
import type { ByteBudget } from "./byte-budget.js";
import { responseClosedCancellation } from "./client-signal.js";
import { logRequest } from "./middleware/access-log.js";
import { errorToSend } from "./middleware/error-handler.js";
import { acceptedRequestId } from "./middleware/request-id.js";
import { readIncomingBody } from "./read-body.js";
import { nodeHeader } from "./request-header.js";
import { allowedRequestHeaders } from "./request-headers.js";
import { bodyLimits } from "./routes/body-limits.js";
import { readInput } from "./routes/read-input.js";
import { serverTiming } from "./routes/server-timing.js";
import { streamFormatFor } from "./routes/stream-response.js";

/** What the fast path shares with the app it stands in front of. */
export interface FastPredictDeps {
  models: ModelRegistry;
  options: ResolvedServeOptions;
  log: Logger;
  /** The app's budget of body bytes in flight. */
  receiving: ByteBudget;
  /** The app's HTTP metrics, when it has them. */
  metrics: HttpMetrics | undefined;
}

/** Node's request listener, returning whether it took the request. */
export type FastPredict = (request: IncomingMessage, response: ServerResponse) => boolean;

/** The `/models/…` prediction paths: route pattern (the metrics label) and where the parameters are. */
const MODEL_ROUTES: readonly { pattern: RegExp; label: string }[] = [
  { pattern: /^\/models\/([^/%]+)\/predict$/, label: "/models/:name/predict" },
  {
    pattern: /^\/models\/([^/%]+)\/versions\/([^/%]+)\/predict$/,
    label: "/models/:name/versions/:version/predict",
  },
];

/**
 * `POST /predict` and its `/models/…` forms, answered on node:http itself:
 * the Hono route's work, headers, errors, log line and metrics, without the
 * adapter's web Request and Response (for a model that takes microseconds,
 * they were most of the server's time). The fast path takes a request only
 * when nothing it leaves out applies: it returns false, having done
 * nothing, for other routes, for a stream the client asked for, while
 * tracing is on, and always when CORS, API keys or a rate limit are set;
 * those requests go to Hono as before.
 */
export function fastPredict(deps: FastPredictDeps): FastPredict {
  const { options } = deps;
  const middlewareOn =
    Boolean(options.cors) || options.apiKeys.length > 0 || Boolean(options.rateLimit);
  if (middlewareOn) return () => false;
  const limits = bodyLimits(options, deps.receiving);
  const lines = logLinesOf(deps.log);
  return (request, response) => {
    if (request.method !== "POST" || tracingEnabled()) return false;
    const url = request.url ?? "";
    const query = url.indexOf("?");
    const route = matchRoute(query === -1 ? url : url.slice(0, query));
    if (route === undefined || streamFormatFor(request.headers.accept)) return false;
    void answer(deps, limits, lines, request, response, route);
    return true;
  };
}

/** The prediction route `path` is, if it is one; `/predict` without a regular expression. */
function matchRoute(path: string): Matched | undefined {
  if (path === "/predict") return { path, label: path, name: undefined, version: undefined };
  for (const { pattern, label } of MODEL_ROUTES) {
    const match = pattern.exec(path);
    if (match !== null) return { path, label, name: match[1], version: match[2] };
  }
  return undefined;
}

interface Matched {
  path: string;
  label: string;
  name: string | undefined;
  version: string | undefined;
}

/** Runs one prediction request to its response, log line and metrics; never rejects. */
async function answer(
  { models, options, log, metrics }: FastPredictDeps,
  limits: ReturnType<typeof bodyLimits>,
  lines: LineBeforeAnswer,
  request: IncomingMessage,
  response: ServerResponse,
  route: Matched,
): Promise<void> {
  const start = performance.now();
  const { headers } = request;
  const requestId = acceptedRequestId(nodeHeader(headers, "x-request-id"));
  // Lower-cased as Hono's headers are, and sent in its (sorted) order.
  const reply: Reply = { "x-request-id": requestId };
  let status = 200;
  let body: string | undefined;
  try {
    const lease = models.lease(route.name ?? models.defaultModel, {
      version: route.version ?? (nodeHeader(headers, "x-model-version") || undefined),
      routingKey: nodeHeader(headers, "x-routing-key") || undefined,
      requestId,
    });
    reply["x-model-name"] = lease.name;
    reply["x-model-version"] = lease.version;
    try {
      const { runtime } = lease;
      // Before the body is read: under overload, refusing must cost next to nothing.
      runtime.refuseWhenFull();
      const { input, shadowInput, readAt, validatedAt } = await readInput(
        () =>
          readIncomingBody(request, runtime.predictor.input, limits, () => {
            reply.connection = "close";
          }),
        (raw) => runtime.parseInput(raw),
        lease.shadow !== undefined,
      );
      const outcome = await runtime.predict(input, {
        requestId,
        signal: responseClosedCancellation(response),
        arrivedAt: start,
        headers: allowedRequestHeaders((name) => nodeHeader(headers, name), options.requestHeaders),
      });
      void models.shadow(lease, shadowInput, outcome.output, requestId);
      body = JSON.stringify(outcome.output);
      reply["server-timing"] = serverTiming({
        read: readAt - start,
        validate: validatedAt - readAt,
        queue: outcome.queueMs,
        predict: outcome.runMs,
      });
    } finally {
      lease.release();
    }
  } catch (error) {
    const served = errorToSend(error, requestId, log);
    status = served.status;
    // A client that hung up gets nothing; its 499 is for the log and metrics.
    if (served.code !== "CLIENT_CLOSED") body = JSON.stringify(served.toBody(requestId));
    if (served.retryAfterSeconds !== undefined)
      reply["retry-after"] = String(served.retryAfterSeconds);
  }
  const ms = performance.now() - start;
  metrics?.observe(
    {
      route: route.label,
      method: "POST",
      status,
      model: reply["x-model-name"] ?? "",
      version: reply["x-model-version"] ?? "",
    },
    ms / 1000,
  );
  const logLine = () =>
    logRequest(log, { request_id: requestId, method: "POST", path: route.path, status, ms });
  // After the log line and metrics, as Hono's middleware has them before its adapter
  // writes: a client that reads the log once answered finds the line there. Held
  // lines share one write at the end of the turn, the responses right after it.
  const respond = () => {
    send(response, status, reply, body);
    if (!request.complete) discardUnread(request, limits.maxBytes);
  };
  lines.logThen(logLine, respond);
}

/** Every header `answer` may set, in the sorted order @hono/node-server sends them in. */
const HEADER_ORDER = [
  "connection",
  "content-type",
  "retry-after",
  "server-timing",
  "x-model-name",
  "x-model-version",
  "x-request-id",
] as const;

/** The headers of one answer; typed, so a header missing from HEADER_ORDER cannot be set. */
type Reply = Partial<Record<(typeof HEADER_ORDER)[number], string>>;

/** Writes the response as @hono/node-server writes a `c.json` one: sorted lower-case headers, then Content-Length. */
function send(
  response: ServerResponse,
  status: number,
  reply: Reply,
  body: string | undefined,
): void {
  if (body !== undefined) reply["content-type"] = "application/json";
  // A flat list in a fixed order: no sort and no header object per response.
  const headers: (string | number)[] = [];
  for (const name of HEADER_ORDER) {
    const value = reply[name];
    if (value !== undefined) headers.push(name, value);
  }
  if (body !== undefined) headers.push("Content-Length", Buffer.byteLength(body));
  response.writeHead(status, headers);
  response.end(body);
}

/** How long {@link discardUnread} reads a refused body before it closes the connection. */
const DISCARD_MS = 500;

/**
 * A body refused before it was read (unknown model, overloaded, declared too
 * large) is discarded as it comes, as @hono/node-server does: a client that
 * sent a body the server could have taken keeps its connection and gets the
 * answer. But for {@link DISCARD_MS} and `maxBytes` (maxBodyBytes) at most:
 * past either the connection goes rather than receive more to drop.
 */
function discardUnread(request: IncomingMessage, maxBytes: number): void {
  let left = maxBytes;
  const close = () => {
    clearTimeout(timer);
    request.removeListener("data", count);
    request.pause(); // reads no more while the answer is flushed
    request.socket?.destroySoon();
  };
  const count = (chunk: Buffer) => {
    left -= chunk.length;
    if (left < 0) close();
  };
  const timer = setTimeout(close, DISCARD_MS);
  timer.unref();
  request.on("data", count);
  request.once("end", () => clearTimeout(timer));
  request.once("close", () => clearTimeout(timer));
}
