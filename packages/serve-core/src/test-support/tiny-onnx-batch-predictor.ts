// A batching predictor over the tests' tiny MatMul model (dynamic batch axis):
// predictBatch stacks the rows into one [N, 4] tensor and runs it once.
import { definePredictor, invalidField, z } from "../index.js";
import { type LoadedSession, loadSession } from "../onnx/index.js";
import { runRows } from "./tiny-onnx-predictor.js";

export const tinyBatchPredictor = definePredictor({
  name: "tiny-batch",
  input: z.object({
    row: z.array(z.number()).length(4),
    reject: z.boolean().default(false).describe("Fail this input inside predictBatch"),
  }),
  output: z.object({ y: z.array(z.number()), batch_size: z.number().int() }),
  batch: { maxSize: 4, maxWaitMs: Number(process.env.TINY_BATCH_WAIT_MS ?? 100) },
  async setup(): Promise<LoadedSession> {
    const path = process.env.TINY_ONNX_MODEL;
    if (!path) throw new Error("set TINY_ONNX_MODEL to the model file");
    return loadSession(path);
  },
  async predict({ row }, { state }) {
    return { y: (await runRows(state, [row]))[0]!, batch_size: 1 };
  },
  async predictBatch(inputs, { state }) {
    const good = inputs.filter((input) => !input.reject);
    const ys =
      good.length > 0
        ? await runRows(
            state,
            good.map((input) => input.row),
          )
        : [];
    let next = 0;
    return inputs.map((input) =>
      input.reject
        ? invalidField(["reject"], "rejected on purpose, alone in its batch")
        : { y: ys[next++]!, batch_size: inputs.length },
    );
  },
});
