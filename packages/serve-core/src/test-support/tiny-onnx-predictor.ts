// A predictor that runs a tiny ONNX model (built by the tests themselves)
// through @servekit/core/onnx; the model path comes from TINY_ONNX_MODEL.
import { Tensor } from "onnxruntime-node";
import { definePredictor, z } from "../index.js";
import { type LoadedSession, loadSession, warmUp } from "../onnx/index.js";

export const tinyOnnxPredictor = definePredictor({
  name: "tiny-onnx",
  input: z.object({
    rows: z.array(z.array(z.number()).length(4)).min(1).max(64).describe("A batch of 4-vectors"),
  }),
  output: z.object({ y: z.array(z.array(z.number())), provider: z.string() }),
  async setup(ctx): Promise<LoadedSession> {
    const path = process.env.TINY_ONNX_MODEL;
    if (!path) throw new Error("set TINY_ONNX_MODEL to the model file");
    const loaded = await loadSession(path);
    const ms = await warmUp(loaded);
    ctx.log.info(`loaded ${path} on ${loaded.executionProvider}, warm-up ${ms.toFixed(1)} ms`);
    return loaded;
  },
  async predict({ rows }, { state }) {
    return { y: await runRows(state, rows), provider: state.executionProvider };
  },
});

/** Runs a batch of 4-vectors through the tiny model as one [N, 4] tensor; one output row each. */
export async function runRows(state: LoadedSession, rows: number[][]): Promise<number[][]> {
  const input = new Tensor("float32", Float32Array.from(rows.flat()), [rows.length, 4]);
  const output = (await state.session.run({ [state.inputs[0]!.name]: input }))[
    state.outputs[0]!.name
  ]!;
  const width = output.dims[1]!;
  const data = output.data as Float32Array;
  return rows.map((_, i) => Array.from(data.subarray(i * width, (i + 1) * width)));
}
