import type { z } from "zod";
import { ServeError, toServeError } from "../errors.js";
import { coerceTextValue } from "../input/coerce-text-value.js";

/** One stream entry as Redis gives it: its entry id and its fields, all text. */
export interface StreamEntry {
  /** The entry id Redis gave it, e.g. "1718000000000-0". */
  entryId: string;
  fields: Record<string, string>;
}

/** What a message asks for: the raw input (validated by the runtime next) and the id its output carries. */
export interface MessageInput {
  id: string;
  raw: unknown;
}

/** The field that holds the whole input as JSON; without it, each field is one input field. */
export const INPUT_FIELD = "input";
/** The field that names a message; without it, the entry id does. */
export const ID_FIELD = "id";

/**
 * Reads a message's input by the one rule streams use: a field `input`
 * holds the whole input as JSON (`XADD in * id a1 input '{"text":"hi"}'`);
 * otherwise every field but `id` is one input field, its text coerced to
 * the field's type as `serve-cli predict -i key=value` does
 * (`XADD in * id a1 text hi count 3`). The id is the field `id`, else the
 * entry id. Throws MALFORMED_REQUEST when `input` is not JSON.
 *
 * @example
 * messageInput({ entryId: "1-0", fields: { text: "hi", count: "3" } }, predictor.input.shape);
 * // { id: "1-0", raw: { text: "hi", count: 3 } }
 */
export function messageInput(
  entry: StreamEntry,
  inputShape: Record<string, z.ZodType> | undefined,
): MessageInput {
  const { [ID_FIELD]: givenId, ...fields } = entry.fields;
  const id = givenId || entry.entryId;
  if (INPUT_FIELD in fields) {
    try {
      return { id, raw: JSON.parse(fields[INPUT_FIELD]!) };
    } catch {
      throw new ServeError(
        "MALFORMED_REQUEST",
        `field \`${INPUT_FIELD}\` of stream entry ${entry.entryId} must be the input as JSON, e.g. '{"text":"hi"}'; got ${JSON.stringify(fields[INPUT_FIELD]!.slice(0, 80))}`,
      );
    }
  }
  const raw = Object.fromEntries(
    Object.entries(fields).map(([key, text]) => [key, coerceTextValue(inputShape?.[key], text)]),
  );
  return { id, raw };
}

/** An error as stream entries carry it: code and message, plus details (the wrong fields) when there are some. */
export interface StreamError {
  code: string;
  message: string;
  details?: unknown;
}

/** The error an entry carries for anything thrown: a ServeError's code and message, else INTERNAL. */
export function streamError(error: unknown): StreamError {
  const serveError = toServeError(error);
  const { request_id: _id, ...body } = serveError.toBody().error;
  return body;
}

/**
 * Whether retrying could help: 4xx errors (invalid or malformed input, an
 * unknown model) fail the same way every time; timeouts, overload and
 * predictor failures (5xx) may not.
 */
export function isRetryable(error: unknown): boolean {
  const { status } = toServeError(error);
  return status >= 500 || status === 408 || status === 429;
}

/** What one message's prediction produced, for the output stream. */
export type MessageResult = { output: unknown } | { error: StreamError };

/**
 * The output stream's entry for a message: `id` (the input's), `output` or
 * `error` as JSON, the `model` and `version` that answered, and
 * `predict_time` in seconds when it ran.
 *
 * @example
 * outputEntry({ id: "a1", result: { output: { n: 3 } }, model: "echo", version: "1" });
 * // { id: "a1", output: '{"n":3}', model: "echo", version: "1" }
 */
export function outputEntry(options: {
  id: string;
  result: MessageResult;
  model: string;
  version: string;
  predictTimeMs?: number;
}): Record<string, string> {
  const { id, result, model, version, predictTimeMs } = options;
  return {
    id,
    ...("output" in result
      ? { output: JSON.stringify(result.output ?? null) }
      : { error: JSON.stringify(result.error) }),
    model,
    version,
    ...(predictTimeMs === undefined ? {} : { predict_time: (predictTimeMs / 1000).toFixed(6) }),
  };
}
