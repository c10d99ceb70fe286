import { isDeepStrictEqual } from "node:util";
import type { Logger } from "../../logger.js";
import type { ShadowMetrics, ShadowResult } from "../../metrics/shadow-metrics.js";
import type { ModelRuntime } from "../model-runtime.js";

export interface ShadowRun {
  model: string;
  /** The version whose output was returned. */
  primaryVersion: string;
  /** The output that was returned. */
  answer: unknown;
  candidate: ModelRuntime;
  /** The request's raw input, not shared with the primary's run (its files were moved to a worker). */
  raw: unknown;
  requestId: string;
  log: Logger;
  metrics: ShadowMetrics | undefined;
}

/**
 * Runs a request again on the shadow candidate, after its answer has
 * gone: the candidate's output is compared with the answer's, counted, and
 * a difference logged. Never throws: the caller has its answer already, and
 * a failing candidate is only a number in `/metrics` and a log line. A full
 * candidate is skipped rather than queued, so a shadow never builds a backlog.
 */
export async function runShadow(run: ShadowRun): Promise<ShadowResult> {
  const { candidate, log } = run;
  const version = candidate.predictor.version;
  const context = {
    model: run.model,
    primary: run.primaryVersion,
    candidate: version,
    request_id: run.requestId,
  };
  let result: ShadowResult;
  try {
    if (!candidate.hasFreeSlot) result = "skipped";
    else {
      const input = await candidate.parseInput(run.raw);
      const { output } = await candidate.predict(input, { requestId: `${run.requestId}:shadow` });
      const verdict = compare(candidate, run.answer, output);
      result = verdict.agree ? "agree" : "disagree";
      if (!verdict.agree)
        log.info(
          {
            ...context,
            difference: verdict.difference ?? { answer: run.answer, candidate: output },
          },
          "shadow disagreed",
        );
    }
  } catch (error) {
    result = "failed";
    log.warn({ ...context, err: error }, "shadow prediction failed (the caller was not affected)");
  }
  run.metrics?.observe(
    { model: run.model, primary: run.primaryVersion, candidate: version },
    result,
  );
  return result;
}

function compare(
  candidate: ModelRuntime,
  answer: unknown,
  output: unknown,
): { agree: boolean; difference?: unknown } {
  const hook = candidate.predictor.compare;
  if (!hook) return { agree: isDeepStrictEqual(answer, output) };
  const verdict = hook(answer, output);
  return typeof verdict === "boolean" ? { agree: verdict } : verdict;
}
