// A streaming predictor: yields words one by one; `fail_after` throws after
// that many. Inline, the test can hold it between items (streamGate).
import { definePredictor, z } from "../index.js";

/** Resolved by a test to let the first word go on to the next (inline only). */
export const streamGate: { release?: () => void; wait?: Promise<void> } = {};

export const streamPredictor = definePredictor({
  name: "words",
  stream: true,
  input: z.object({
    text: z.string().min(1),
    fail_after: z.number().int().min(0).optional(),
    hold: z.boolean().default(false).describe("Wait for the test's gate after the first word"),
  }),
  output: z.object({ word: z.string(), index: z.number().int() }),
  async *predict({ text, fail_after, hold }) {
    const words = text.split(/\s+/);
    for (const [index, word] of words.entries()) {
      if (fail_after !== undefined && index >= fail_after)
        throw new Error("the model ran out of words");
      yield { word, index };
      if (hold && index === 0) await streamGate.wait;
    }
  },
});
