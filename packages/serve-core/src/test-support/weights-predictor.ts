// A predictor that declares one file on a loopback server (its URL and digest
// come from the environment, which worker threads inherit): setup resolves it
// and predict answers with what was loaded.
import { readFile } from "node:fs/promises";
import { definePredictor, z } from "../index.js";

export const weightsPredictor = definePredictor({
  name: "weighted",
  input: z.object({}),
  output: z.object({ bytes: z.number(), path: z.string() }),
  weights: {
    model: {
      url: process.env.FIXTURE_WEIGHTS_URL ?? "http://127.0.0.1:9/model.bin",
      sha256: process.env.FIXTURE_WEIGHTS_SHA256 ?? "0".repeat(64),
    },
  },
  async setup(ctx) {
    const path = await ctx.weights.path("model");
    return { path, bytes: (await readFile(path)).length };
  },
  predict: (_input, { state }) => state,
});
