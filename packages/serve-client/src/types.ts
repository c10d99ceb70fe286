/**
 * Types taken from a predictor without importing any of its code: zod v4
 * schemas implement Standard Schema, whose `~standard.types` carries the
 * input and output types, so neither zod nor @servekit/core is needed here.
 */

/** The `{input, output}` types a Standard Schema declares. */
type StandardTypes<Schema> = Schema extends { "~standard": { types?: infer Types } }
  ? NonNullable<Types>
  : never;

/** What the schema accepts (zod's `z.input`). */
type SchemaInput<Schema> = StandardTypes<Schema> extends { input: infer I } ? I : unknown;

/** What the schema produces (zod's `z.output`). */
type SchemaOutput<Schema> = StandardTypes<Schema> extends { output: infer O } ? O : unknown;

/**
 * A file the client can send where the schema has a `file()` or `image()`
 * field: a path (Node.js only), bytes (`Buffer` is a `Uint8Array`), an
 * `ArrayBuffer`, or a `Blob`/`File`. A string that starts with `data:` is
 * sent as it is.
 */
export type FileSource = string | Uint8Array | ArrayBuffer | Blob;

/** How servekit's `file()`/`image()` look in a schema's input type: they also accept `{data, mediaType}`. */
interface ServerFileShape {
  data: Uint8Array;
  mediaType: string;
}

/** A field's type as the client accepts it: file fields take any {@link FileSource}. */
type ClientField<T> = [Extract<T, ServerFileShape>] extends [never]
  ? T
  : FileSource | Extract<T, undefined>;

/** A predictor input as the client accepts it. */
export type ClientInput<Input> =
  Input extends Record<string, unknown> ? { [K in keyof Input]: ClientField<Input[K]> } : Input;

/**
 * The input `createClient<typeof predictor>` takes: the predictor's input
 * schema's input type, with file fields widened to {@link FileSource}.
 * Untyped clients take any object.
 */
export type InputOf<P> = P extends { input: infer Schema }
  ? ClientInput<SchemaInput<Schema>>
  : Record<string, unknown>;

/** The output a predictor answers with; `unknown` for untyped clients. */
export type OutputOf<P> = P extends { output: infer Schema } ? SchemaOutput<Schema> : unknown;

/** Options every call takes. */
export interface CallOptions {
  /** Abort the call (and any retries or polling). */
  signal?: AbortSignal;
  /** Give up after this long, retries included: a `ServekitTimeoutError`. */
  timeoutMs?: number;
  /** Sent as `X-Request-Id`; the server's logs carry it. */
  requestId?: string;
  /** Extra request headers, e.g. `X-Routing-Key` for sticky routing. */
  headers?: Record<string, string>;
}

/** An answer with what its headers said. */
export interface WithMetadata<T> {
  output: T;
  /** `X-Request-Id`: find the request in the server's logs. */
  requestId: string | undefined;
  /** `X-Model-Name`: the model that answered. */
  modelName: string | undefined;
  /** `X-Model-Version`: the version the traffic policy chose. */
  modelVersion: string | undefined;
  status: number;
  headers: Headers;
}

/** The states of an async prediction; the last three are final. */
export type PredictionStatus = "starting" | "processing" | "succeeded" | "failed" | "canceled";

/** An async prediction as `GET /predictions/{id}` shows it (Cog's shape). */
export interface Prediction<Output = unknown> {
  id: string;
  status: PredictionStatus;
  input: Record<string, unknown> | null;
  output: Output | null;
  /** What went wrong when `status` is `failed`. */
  error: string | null;
  logs: string;
  metrics: { predict_time?: number };
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  urls?: { get: string; cancel: string };
}
