// A predictor and its serve() call in one module, as users write them: the
// pool's workers import this very module, and must not start servers of their own.
import { definePredictor, serve, z } from "../index.js";

export const predictor = definePredictor({
  name: "single-file",
  input: z.object({ n: z.number().int().min(0).max(1_000_000) }),
  output: z.object({ sum: z.number() }),
  predict: ({ n }) => {
    let sum = 0;
    for (let i = 1; i <= n; i++) sum += i;
    return { sum };
  },
});

await serve(predictor, { host: "127.0.0.1", port: 0, workers: 2 });
