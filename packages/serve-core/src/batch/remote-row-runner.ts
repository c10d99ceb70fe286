import { setTimeout as sleep } from "node:timers/promises";
import { type ErrorCode, ServeError } from "../errors.js";
import { type InputJsonSchema, rowFieldsFromJsonSchema } from "../input/input-fields.js";
import { BatchInputError } from "./batch-input-error.js";
import type { RowRunner } from "./row-runner.js";

/** Running servers to send rows to, and how hard to try. */
export interface RemoteRowsOptions {
  /** Base URLs of servekit servers; rows go to `/predict` of each in turn. */
  urls: readonly string[];
  /** Tries per row on 429/502/503 and connection errors before the batch stops. @default 8 */
  attempts?: number;
  /** Longest wait between tries (also caps `Retry-After`). @default 30_000 */
  maxRetryDelayMs?: number;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
}

/** Rows in flight per server when no concurrency is given: enough to keep a small pool busy. */
const PER_SERVER = 8;
/** Answers that are about the row: they become its error line. */
const ROW_STATUSES = new Set([400, 408, 413, 415, 422, 500, 504]);
/** Answers that mean "not now": the row is tried again, on the next server. */
const RETRY_STATUSES = new Set([429, 502, 503]);

/**
 * Runs rows on running servers: each row is POSTed as JSON (files as
 * base64) to `/predict` of the next URL in turn. 429, 502, 503 and
 * connection errors are tried again on the next server, after the
 * `Retry-After` the server asked for or a doubling delay. The input fields
 * come from the first server's OpenAPI document.
 *
 * @example
 * const runner = await remoteRowRunner({ urls: ["http://10.0.0.5:8000", "http://10.0.0.6:8000"] });
 */
export async function remoteRowRunner(options: RemoteRowsOptions): Promise<RowRunner> {
  const fetchFn = options.fetch ?? globalThis.fetch;
  const urls = options.urls.map((url) => url.replace(/\/+$/, ""));
  const attempts = options.attempts ?? 8;
  const maxDelayMs = options.maxRetryDelayMs ?? 30_000;
  const schema = await inputSchemaOf(urls[0]!, fetchFn);
  let turn = 0;
  return {
    fields: rowFieldsFromJsonSchema(schema),
    concurrency: PER_SERVER * urls.length,
    async run(raw, id, signal) {
      const body = JSON.stringify(raw, bytesAsBase64);
      let last = "";
      for (let attempt = 1; attempt <= attempts; attempt++) {
        const url = urls[turn++ % urls.length]!;
        const started = performance.now();
        const res = await fetchFn(`${url}/predict`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
          signal,
        }).catch((error: unknown) => {
          if (signal.aborted) throw error;
          last = `${url}: ${describe(error)}`;
          return undefined;
        });
        const seconds = (performance.now() - started) / 1000;
        if (res && !RETRY_STATUSES.has(res.status)) return answer(res, url, seconds);
        if (res) last = `${url} answered ${res.status}`;
        await res?.body?.cancel();
        if (attempt < attempts) {
          const asked = Number(res?.headers.get("retry-after"));
          const backoff = 250 * 2 ** (attempt - 1);
          const waitMs = Number.isFinite(asked) && asked > 0 ? asked * 1000 : backoff;
          await sleep(Math.min(waitMs, maxDelayMs), undefined, { signal });
        }
      }
      throw new Error(
        `no server took row ${JSON.stringify(id)} in ${attempts} tries (last: ${last}); rows written so far are kept, run again to go on`,
      );
    },
  };
}

/** A server's answer as a row's result; a status that says nothing about the row stops the batch. */
async function answer(res: Response, url: string, seconds: number) {
  const body = (await res.json().catch(() => undefined)) as
    | { error?: { code?: string; message?: string } }
    | undefined;
  if (res.ok) return { ok: true as const, output: body, predictTime: serverTime(res) ?? seconds };
  const message = body?.error?.message ?? `server answered ${res.status}`;
  if (!ROW_STATUSES.has(res.status)) {
    throw new Error(`${url}/predict answered ${res.status}: ${message}`);
  }
  const code = (body?.error?.code ??
    (res.status >= 500 ? "PREDICTION_FAILED" : "INVALID_INPUT")) as ErrorCode;
  return { ok: false as const, error: new ServeError(code, message) };
}

/** Seconds the server spent predicting, from its `Server-Timing: predict;dur=<ms>`. */
function serverTime(res: Response): number | undefined {
  const ms = /(?:^|,)\s*predict;dur=([\d.]+)/.exec(res.headers.get("server-timing") ?? "")?.[1];
  return ms === undefined ? undefined : Number(ms) / 1000;
}

async function inputSchemaOf(url: string, fetchFn: typeof fetch): Promise<InputJsonSchema> {
  const res = await fetchFn(`${url}/openapi.json`).catch((error: unknown) => {
    throw new Error(`cannot reach ${url}: ${describe(error)}; is the server running?`);
  });
  const doc = (await res.json().catch(() => undefined)) as
    | { components?: { schemas?: Record<string, InputJsonSchema> } }
    | undefined;
  const schema = res.ok ? doc?.components?.schemas?.Input : undefined;
  if (!schema) {
    throw new BatchInputError(
      `${url}/openapi.json ${res.ok ? "has no Input schema" : `answered ${res.status}`}; is ${url} a servekit server?`,
    );
  }
  return schema;
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message ?? String(error);
}

/** JSON replacer sending bytes as base64 (seen before Buffer's own toJSON runs). */
function bytesAsBase64(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const original = this[key];
  return original instanceof Uint8Array ? Buffer.from(original).toString("base64") : value;
}
