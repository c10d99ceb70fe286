import type { z } from "zod";
import { type FieldIssue, ServeError } from "../errors.js";

/** Zod issues as {@link FieldIssue}s: a path into the input and a message. */
function toFieldIssues(error: z.ZodError, prefix: (string | number)[] = []): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: [...prefix, ...issue.path.map((key) => (typeof key === "symbol" ? String(key) : key))],
    message: issue.message,
  }));
}

/** A 422 listing every failing field, with a message naming the first. */
export function invalidInputError(error: z.ZodError, prefix: (string | number)[] = []): ServeError {
  const details = toFieldIssues(error, prefix);
  const summary = details
    .slice(0, 3)
    .map((d) => (d.path.length > 0 ? `\`${d.path.join(".")}\`: ${d.message}` : d.message))
    .join("; ");
  const more = details.length > 3 ? ` (and ${details.length - 3} more)` : "";
  return new ServeError("INVALID_INPUT", `invalid input: ${summary}${more}`, { details });
}
