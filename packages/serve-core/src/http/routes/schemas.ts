import { z } from "@hono/zod-openapi";

/** The error body every failing route returns. */
export const ErrorResponse = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "INVALID_INPUT" }),
      message: z
        .string()
        .openapi({ example: "invalid input: `confidence`: Too big: expected number to be <=1" }),
      details: z
        .array(z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string() }))
        .optional()
        .openapi({ description: "For 422: every failing field with its path." }),
      request_id: z.string().optional(),
    }),
  })
  .openapi("Error");

/** Error responses shared by the prediction routes. */
export function errorResponses(...statuses: number[]) {
  const descriptions: Record<number, string> = {
    400: "Malformed request (e.g. invalid JSON)",
    404: "No prediction with that id (never created, or forgotten after `predictionRetentionMs`)",
    409: "A prediction with that id exists with a different input",
    408: "The request body did not arrive within `bodyReadTimeoutMs`; the connection is closed",
    413: "Request body too large",
    415: "Unsupported Content-Type",
    422: "Input does not match the schema; `details` lists every failing field",
    500: "The predictor failed",
    503: "Not ready (starting, setup failed, shutting down) or overloaded; see Retry-After",
    504: "The prediction timed out",
  };
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: descriptions[status] ?? "Error",
        content: { "application/json": { schema: ErrorResponse } },
      },
    ]),
  );
}

export const SetupInfo = z
  .object({
    started_at: z.string().nullable(),
    completed_at: z.string().nullable(),
    status: z.enum(["starting", "succeeded", "failed"]),
    logs: z.string(),
    error: z.string().optional(),
  })
  .openapi("SetupInfo");

export const HealthResponse = z
  .object({
    status: z.enum(["STARTING", "READY", "BUSY", "SETUP_FAILED", "DEFUNCT"]).openapi({
      description:
        "READY: accepting; BUSY: every slot running, requests queue; STARTING: setup running; SETUP_FAILED: see setup.error; DEFUNCT: crashed workers could not be replaced, restart the process",
    }),
    setup: SetupInfo,
    workers: z
      .object({
        ready: z.number().int(),
        total: z.number().int(),
        failed_restarts: z.number().int(),
        last_restart_error: z.string().optional(),
      })
      .optional()
      .openapi({ description: "The worker pool: workers serving now, of how many" }),
    models: z.record(z.string(), z.record(z.string(), z.string())).optional().openapi({
      description:
        "With several model-versions: each model's versions and their status (`status` is the worst of them)",
    }),
  })
  .openapi("Health");
