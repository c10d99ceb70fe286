/**
 * A batch that cannot start, or cannot go on, because of what it was given:
 * an input that is missing or unreadable, an output that is a folder, rows
 * with the same id, a shard such as `3/3`. Nothing is wrong with the model;
 * the message says what to change. The CLI reports it as a usage error (exit 2).
 *
 * @example
 * throw new BatchInputError("rows.jsonl does not exist; give a .jsonl or .csv file, or a folder");
 */
export class BatchInputError extends Error {
  override readonly name = "BatchInputError";
}

/** Whether `error` is a {@link BatchInputError} (by name, so a second copy of core counts too). */
export function isBatchInputError(error: unknown): error is BatchInputError {
  return error instanceof Error && error.name === "BatchInputError";
}
