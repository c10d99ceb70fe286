import { CliError } from "./cli-error.js";
import type { ModelPolicy, TrafficChange } from "./release-change.js";

/** A servekit server's model routes, as `serve-cli release` uses them. */
export interface ReleaseClient {
  /** `GET /models/{name}` (public). */
  model(name: string): Promise<ModelPolicy>;
  /** `PUT /admin/models/{name}/traffic` → the model after the change. */
  setTraffic(name: string, change: TrafficChange): Promise<ModelPolicy>;
  /** `DELETE /admin/models/{name}/versions/{version}`: answers once the version has drained. */
  retire(name: string, version: string): Promise<void>;
}

/**
 * A client for the server at `url`; admin calls send `apiKey` as a bearer
 * token. A refusal throws CliError (exit 1) with the server's code and
 * message and what to do about it.
 *
 * @example
 * const client = releaseClient({ url: "http://127.0.0.1:8000", apiKey: process.env.SERVEKIT_ADMIN_KEY });
 * await client.setTraffic("yolov5", { weights: { fp32: 90, fp16: 10 } });
 */
export function releaseClient(options: {
  url: string;
  apiKey?: string | undefined;
}): ReleaseClient {
  const base = options.url.replace(/\/+$/, "");
  const admin: Record<string, string> = options.apiKey
    ? { authorization: `Bearer ${options.apiKey}` }
    : {};
  const path = (...parts: string[]) => parts.map(encodeURIComponent).join("/");
  const call = async (method: string, route: string, init: RequestInit = {}) => {
    let res: Response;
    try {
      res = await fetch(`${base}${route}`, { ...init, method });
    } catch (error) {
      throw new CliError(
        `could not reach ${base} (${describeFetchError(error)}); is the server running, and is --url right?`,
        1,
        { cause: error },
      );
    }
    const body = await res.json().catch(() => undefined);
    if (!res.ok) throw refusal({ method, route, status: res.status, body, base });
    if (body === undefined)
      throw new CliError(
        `${method} ${base}${route} answered ${res.status} without JSON; is ${base} a servekit server?`,
      );
    return body;
  };
  return {
    // The admin key goes along: on a server with `apiKeys`, it opens the other routes too.
    model: async (name) =>
      (await call("GET", `/models/${path(name)}`, { headers: admin })) as ModelPolicy,
    setTraffic: async (name, change) =>
      (await call("PUT", `/admin/models/${path(name)}/traffic`, {
        headers: { "content-type": "application/json", ...admin },
        body: JSON.stringify(change),
      })) as ModelPolicy,
    retire: async (name, version) => {
      await call("DELETE", `/admin/models/${path(name, "versions", version)}`, { headers: admin });
    },
  };
}

interface ErrorBody {
  error?: { code?: string; message?: string; details?: unknown };
}

/** The server's refusal as one CliError: status, code, message, details, and the way out. */
function refusal(answer: {
  method: string;
  route: string;
  status: number;
  body: unknown;
  base: string;
}): CliError {
  const error = (answer.body as ErrorBody | undefined)?.error;
  if (!error?.code)
    return new CliError(
      `${answer.method} ${answer.base}${answer.route} answered ${answer.status} without a servekit error; is ${answer.base} a servekit server with several models (servekit ≥ 0.2)?`,
    );
  const details = describeDetails(error.details);
  const hint = hintFor(answer.status, error.code);
  return new CliError(
    `the server refused (${answer.status} ${error.code}): ${error.message ?? ""}${details ? `\n${details}` : ""}${hint ? `\n${hint}` : ""}`,
  );
}

function hintFor(status: number, code: string): string | undefined {
  if (code === "ADMIN_DISABLED")
    return "fix: start the server with admin keys (`adminApiKeys` in serve.config.ts or serve() options, or SERVEKIT_ADMIN_KEYS=<key>), then pass that key here";
  if (status === 401)
    return "fix: pass one of the server's admin keys with --api-key <key> or SERVEKIT_ADMIN_KEY";
  if (status === 409)
    return "fix: move its traffic to another version first (--promote <other> or --set), and end its shadow role (--shadow off)";
  return undefined;
}

/** Field issues as "- path: message" lines; anything else as JSON. */
function describeDetails(details: unknown): string {
  if (details === undefined || details === null) return "";
  if (
    Array.isArray(details) &&
    details.every((d) => typeof d === "object" && d !== null && "message" in d)
  )
    return details
      .map((d: { path?: unknown; message: unknown }) =>
        d.path !== undefined && d.path !== ""
          ? `- ${Array.isArray(d.path) ? d.path.join(".") : String(d.path)}: ${String(d.message)}`
          : `- ${String(d.message)}`,
      )
      .join("\n");
  return `details: ${JSON.stringify(details)}`;
}

function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
