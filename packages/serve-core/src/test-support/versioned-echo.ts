// Versions of one small model for the multi-model tests: each answers with
// its own version, can be told to sleep or fail, and can disagree on purpose.
import { definePredictor, z } from "../index.js";

export interface EchoVersionOptions {
  /** Added to every answer's `score`: a version that "drifts". @default 0 */
  drift?: number;
  /** Every prediction of this version throws. @default false */
  broken?: boolean;
  /** The predictor's `compare` hook: scores within this of each other agree. */
  tolerance?: number;
}

type Scored = { score: number };

/** Version `version` of the model "echo". */
export function echoVersion(version: string, options: EchoVersionOptions = {}) {
  return definePredictor({
    name: "echo",
    version,
    input: z.object({
      text: z.string().max(100),
      score: z.number().default(1),
      sleep_ms: z.number().min(0).max(10_000).default(0),
    }),
    output: z.object({ text: z.string(), score: z.number(), version: z.string() }),
    outputMetrics: { score: { value: (output: Scored) => output.score, buckets: [0.5, 1, 2, 5] } },
    ...(options.tolerance === undefined
      ? {}
      : {
          compare: (answer: Scored, candidate: Scored) => {
            const gap = Math.abs(answer.score - candidate.score);
            return { agree: gap <= options.tolerance!, difference: { score_gap: gap } };
          },
        }),
    async predict({ text, score, sleep_ms }, { signal }) {
      if (sleep_ms > 0) await new Promise((resolve) => setTimeout(resolve, sleep_ms));
      signal.throwIfAborted();
      if (options.broken) throw new Error(`version ${version} is broken`);
      return { text, score: score + (options.drift ?? 0), version };
    },
  });
}

/** A second model, to show routing by name. */
export const upperModel = definePredictor({
  name: "upper",
  version: "1",
  input: z.object({ text: z.string() }),
  output: z.object({ text: z.string() }),
  predict: ({ text }) => ({ text: text.toUpperCase() }),
});
