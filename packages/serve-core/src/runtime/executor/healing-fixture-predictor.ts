// A predictor for the pool's healing tests: its setup fails while the file
// $HEALING_FIXTURE_FLAG exists (so a test can fail only the replacements of a
// crashed worker), and a prediction can end its worker thread or grow its heap.
import { existsSync } from "node:fs";
import { definePredictor, z } from "../../index.js";

export const healingFixturePredictor = definePredictor({
  name: "healing-fixture",
  input: z.object({
    mode: z.enum(["ok", "crash", "grow"]).default("ok"),
    busy_ms: z.number().min(0).max(5_000).default(0),
    /** For "grow": MiB to keep alive at once, then let go. */
    grow_mb: z.number().int().min(1).max(1_024).default(512),
  }),
  output: z.object({ worker: z.number(), held_mb: z.number() }),
  setup(ctx) {
    const flag = process.env.HEALING_FIXTURE_FLAG;
    if (flag && existsSync(flag)) throw new Error(`setup refused: ${flag} exists`);
    return { worker: ctx.workerIndex };
  },
  predict(input, ctx) {
    const end = performance.now() + input.busy_ms;
    while (performance.now() < end) {
      // Spin: keeps this worker busy, so a second prediction goes to the other one.
    }
    if (input.mode === "crash") process.exit(3);
    let held = 0;
    if (input.mode === "grow") {
      // Small objects on the V8 heap (not Buffers, which live outside it).
      const kept: number[][] = [];
      for (; held < input.grow_mb; held++) {
        for (let i = 0; i < 16; i++) kept.push(new Array(8_192).fill(held + i + 0.5));
      }
    }
    return { worker: ctx.state.worker, held_mb: held };
  },
});
