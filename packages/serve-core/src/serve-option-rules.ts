import { availableParallelism } from "node:os";
import type { z } from "zod";

const number = (value: unknown) => (typeof value === "number" ? value : undefined);

/**
 * The rules between options. Fields may be missing (a config file sets only
 * some) or invalid (reported on their own): a rule checks only fields that
 * hold a valid-looking value, and the rest waits for the resolved options.
 */
export function checkServeOptionRules(value: unknown, ctx: z.RefinementCtx): void {
  const options = value as Record<string, unknown>;
  const processes =
    options.processes === "auto" ? availableParallelism() : (number(options.processes) ?? 1);
  if (processes !== 1 && typeof options.journalDir === "string")
    ctx.addIssue({
      code: "custom",
      path: ["journalDir"],
      message: `takes one process per directory; unset it (or SERVEKIT_JOURNAL_DIR) or set \`processes\` to 1, got ${processes} processes`,
    });
  if (
    typeof options.store === "string" &&
    options.store !== "memory" &&
    typeof options.journalDir === "string"
  )
    ctx.addIssue({
      code: "custom",
      path: ["journalDir"],
      message:
        'is for the single-process memory store; with a Redis `store` async predictions are kept in Redis, so unset `journalDir` (or SERVEKIT_JOURNAL_DIR) or set `store` to "memory"',
    });
  const maxBodyBytes = number(options.maxBodyBytes);
  const inFlight = number(options.maxBodyBytesInFlight);
  if (maxBodyBytes !== undefined && inFlight !== undefined && inFlight < maxBodyBytes)
    ctx.addIssue({
      code: "custom",
      path: ["maxBodyBytesInFlight"],
      message: `must be a whole number of bytes ≥ \`maxBodyBytes\` (${maxBodyBytes}), got ${inFlight}`,
    });
  for (const key of ["workerRestart", "webhookRetry"] as const) {
    const delays = (options[key] ?? {}) as Record<string, unknown>;
    const initial = number(delays.initialDelayMs);
    const max = number(delays.maxDelayMs);
    if (initial !== undefined && max !== undefined && max < initial)
      ctx.addIssue({
        code: "custom",
        path: [key],
        message: `delays must satisfy 0 ≤ initialDelayMs ≤ maxDelayMs, got ${initial} and ${max}`,
      });
  }
}

/** The rules run even when a field is invalid, so that every problem is reported at once. */
export const everyProblem = {
  when: (payload: { value: unknown }) =>
    typeof payload.value === "object" && payload.value !== null,
};
