import { Counter, Registry } from "prom-client";

/** How one shadow run ended. */
export type ShadowResult =
  /** The candidate's output agreed with the answer's (the predictor's `compare`, else equal JSON). */
  | "agree"
  | "disagree"
  /** The candidate failed (its error never reached the caller). */
  | "failed"
  /** Not run: the candidate was full, not ready or retiring. */
  | "skipped";

/** Counts of shadow runs by model, the versions compared and how it ended. */
export class ShadowMetrics {
  readonly registry = new Registry();
  private readonly runs = new Counter({
    name: "servekit_shadow_predictions_total",
    help: "Shadow predictions by model, the version that answered (primary), the candidate, and result: agree, disagree, failed or skipped. Agreement = agree / (agree + disagree)",
    labelNames: ["model", "primary", "candidate", "result"] as const,
    registers: [this.registry],
  });

  observe(
    labels: { model: string; primary: string; candidate: string },
    result: ShadowResult,
  ): void {
    this.runs.inc({ ...labels, result });
  }
}
