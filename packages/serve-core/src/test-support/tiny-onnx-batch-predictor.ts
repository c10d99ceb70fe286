// A batching predictor over the tests' tiny MatMul model (dynamic batch axis):
// predictBatch stacks the rows into one [N, 4] tensor and runs it once.
import { Tensor } from "onnxruntime-node";
import { definePredictor, invalidField, z } from "../index.js";
import { type LoadedSession, loadSession } from "../onnx/index.js";

async function run(state: LoadedSession, rows: number[][]): Promise<number[][]> {
  const input = new Tensor("float32", Float32Array.from(rows.flat()), [rows.length, 4]);
  const output = (await state.session.run({ [state.inputs[0]!.name]: input }))[
    state.outputs[0]!.name
  ]!;
  const width = output.dims[1]!;
  const data = output.data as Float32Array;
  return rows.map((_, i) => Array.from(data.subarray(i * width, (i + 1) * width)));
}

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
    return { y: (await run(state, [row]))[0]!, batch_size: 1 };
  },
  async predictBatch(inputs, { state }) {
    const good = inputs.filter((input) => !input.reject);
    const ys =
      good.length > 0
        ? await run(
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
