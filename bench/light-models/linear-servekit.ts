// servekit's side of the linear bench: the ride-duration regressor as ONNX,
// run with onnxruntime-node on a 1×8 float32 tensor. MODEL_DIR is where
// train_linear.py wrote model.onnx; SERVEKIT_OPTIONS (JSON) adds serve()
// options to the defaults (only host and port set otherwise). Prints its URL
// as one JSON line once ready.
import { join } from "node:path";
import { definePredictor, serve, z } from "@servekit/core";
import { loadSession } from "@servekit/core/onnx";
import { Tensor } from "onnxruntime-node";
import { FEATURES } from "./features.js";

const modelDir = process.env.MODEL_DIR;
if (!modelDir) throw new Error("set MODEL_DIR to the folder train_linear.py wrote model.onnx to");
const names = FEATURES.map((feature) => feature.name);

const duration = definePredictor({
  name: "duration",
  input: z.object(Object.fromEntries(names.map((name) => [name, z.number()]))),
  output: z.object({ duration: z.number() }),
  setup: async (ctx) => {
    const loaded = await loadSession(join(modelDir, "model.onnx"), { log: ctx.log });
    return {
      session: loaded.session,
      input: loaded.inputs[0]!.name,
      output: loaded.outputs[0]!.name,
    };
  },
  predict: async (trip, { state }) => {
    const values = Float32Array.from(names, (name) => trip[name]!);
    const result = await state.session.run({
      [state.input]: new Tensor("float32", values, [1, names.length]),
    });
    return { duration: Number(result[state.output]!.data[0]) };
  },
});

const options = JSON.parse(process.env.SERVEKIT_OPTIONS ?? "{}") as Record<string, unknown>;
const server = await serve(duration, { ...options, port: 0, host: "127.0.0.1" });
await server.ready;
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
