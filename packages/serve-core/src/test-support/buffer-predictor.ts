// A predictor for the pool worker's memory tests: each prediction allocates
// `mib` MiB of ArrayBuffer and drops it, as a vision model's output tensor
// and decoded pixels do, and reports the worker's ArrayBuffer memory as it
// started.
import { definePredictor, z } from "../index.js";

export const bufferPredictor = definePredictor({
  name: "buffers",
  input: z.object({ mib: z.number().int().min(0).max(64) }),
  output: z.object({ array_buffers_mib_at_start: z.number() }),
  predict({ mib }) {
    const atStart = process.memoryUsage().arrayBuffers;
    new Uint8Array(mib * 1024 * 1024).fill(1);
    return { array_buffers_mib_at_start: atStart / 1024 / 1024 };
  },
});
