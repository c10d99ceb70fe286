// The same tiny MatMul model served with and without dynamic batching, for
// bench/batching/run.ts. Worker threads import this module, so both live here.
import { definePredictor, z } from "@servekit/core";
import { type LoadedSession, loadSession } from "@servekit/core/onnx";
import { Tensor } from "onnxruntime-node";

const SIZE = Number(process.env.BENCH_MATRIX_SIZE ?? 256);

async function run(state: LoadedSession, rows: number[][]): Promise<number[][]> {
  const input = new Tensor("float32", Float32Array.from(rows.flat()), [rows.length, SIZE]);
  const output = (await state.session.run({ [state.inputs[0]!.name]: input }))[
    state.outputs[0]!.name
  ]!;
  const data = output.data as Float32Array;
  return rows.map((_, i) => Array.from(data.subarray(i * SIZE, (i + 1) * SIZE)));
}

const shape = {
  input: z.object({ row: z.array(z.number()).length(SIZE) }),
  output: z.object({ checksum: z.number() }),
  setup: () => loadSession(process.env.BENCH_MODEL!),
};

export const unbatched = definePredictor({
  name: "matmul-unbatched",
  ...shape,
  async predict({ row }, { state }) {
    return { checksum: (await run(state, [row]))[0]!.reduce((a, b) => a + b, 0) };
  },
});

export const batched = definePredictor({
  name: "matmul-batched",
  ...shape,
  batch: { maxSize: 16, maxWaitMs: 2 },
  async predict({ row }, { state }) {
    return { checksum: (await run(state, [row]))[0]!.reduce((a, b) => a + b, 0) };
  },
  async predictBatch(inputs, { state }) {
    const ys = await run(
      state,
      inputs.map((input) => input.row),
    );
    return ys.map((y) => ({ checksum: y.reduce((a, b) => a + b, 0) }));
  },
});
