import { ServeError } from "../errors.js";
import { type StreamEntry, streamError } from "./stream-message.js";

/** Why and where a message is given up on. */
export interface DeadLetter {
  entry: StreamEntry;
  /** The message's id (its `id` field, else the entry id). */
  id: string;
  /** The last error. */
  error: unknown;
  /** Deliveries so far, this one included. */
  attempts: number;
  /** The stream it came from, and the consumer that gives up on it. */
  stream: string;
  consumer: string;
}

/**
 * The dead-letter stream's entry for a message that failed `maxAttempts`
 * times, or whose input no retry can fix: `id`, `error` (JSON: code,
 * message, and the predictor's own error message as `cause` when there is
 * one), `attempts`, where it came from (`stream`, `entry_id`, `consumer`)
 * and its original `fields` as JSON, so it can be inspected and re-added
 * once fixed.
 *
 * @example
 * deadLetterEntry({ entry, id: "a1", error, attempts: 3, stream: "in", consumer: "c1" });
 * // { id: "a1", error: '{"code":"PREDICTION_FAILED",…}', attempts: "3", stream: "in", entry_id: "1-0", … }
 */
export function deadLetterEntry(letter: DeadLetter): Record<string, string> {
  const { entry, id, error, attempts, stream, consumer } = letter;
  const cause = error instanceof ServeError ? error.cause : undefined;
  return {
    id,
    error: JSON.stringify({
      ...streamError(error),
      ...(cause instanceof Error ? { cause: cause.message } : {}),
    }),
    attempts: String(attempts),
    stream,
    entry_id: entry.entryId,
    consumer,
    fields: JSON.stringify(entry.fields),
    failed_at: new Date().toISOString(),
  };
}
