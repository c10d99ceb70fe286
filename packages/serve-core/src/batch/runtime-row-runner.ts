import { ServeError } from "../errors.js";
import { rowFieldsFromPredictor } from "../input/input-fields.js";
import type { ModelRuntime } from "../runtime/model-runtime.js";
import { NOT_ABOUT_THE_ROW, type RowRunner } from "./row-runner.js";

/**
 * Runs rows through a {@link ModelRuntime} in this process: validated by
 * its input schema, then predicted as accepted work (waiting in its queue,
 * never refused for load). Twice its capacity stay in flight, so when a
 * slot frees the next row is already read and validated.
 */
export function runtimeRowRunner(runtime: ModelRuntime): RowRunner {
  return {
    fields: rowFieldsFromPredictor(runtime.predictor),
    concurrency: runtime.capacity * 2,
    async run(raw, id, signal) {
      try {
        const input = await runtime.parseInput(raw);
        const outcome = await runtime.predict(input, {
          signal,
          requestId: `batch:${id}`,
          accepted: true,
        });
        return { ok: true, output: outcome.output, predictTime: outcome.runMs / 1000 };
      } catch (error) {
        if (!(error instanceof ServeError) || NOT_ABOUT_THE_ROW.has(error.code)) throw error;
        return { ok: false, error: withCause(error) };
      }
    },
  };
}

/**
 * The runtime hides a predictor's own message from HTTP clients ("see the
 * server log"); a batch's output belongs to whoever runs it, so its error
 * line says what the predictor threw.
 */
function withCause(error: ServeError): ServeError {
  const cause = error.cause;
  if (error.status < 500 || !(cause instanceof Error) || cause instanceof ServeError) return error;
  const what = error.code === "PREDICTION_FAILED" ? "the predictor threw" : error.message;
  return new ServeError(error.code, `${what}: ${cause.message}`);
}
