import type { PredictorLogger } from "@servekit/core";
import { type LoadedSession, loadSession, warmUp } from "@servekit/core/onnx";
import type { ModelName } from "./weights.js";

/** One loaded model: its session and the names and size of its input. */
export interface LoadedModel {
  loaded: LoadedSession;
  inputName: string;
  outputName: string;
  /** Side of the square input, e.g. 640. */
  inputSize: number;
  /** Whether the model takes and returns float16 (yolov5n-fp16). */
  float16: boolean;
}

/** Loads and warms up one model from its ONNX file (`ctx.weights.path(name)`). */
export async function loadModel(
  name: ModelName,
  path: string,
  log: PredictorLogger,
): Promise<LoadedModel> {
  const loaded = await loadSession(path);
  const input = loaded.inputs[0];
  const output = loaded.outputs[0];
  if (!input || !output)
    throw new Error(`${path} has no inputs or outputs; is it a YOLOv5 export?`);
  const side = input.shape[2];
  if (typeof side !== "number" || input.shape[3] !== side) {
    throw new Error(
      `${path}: expected a fixed square input [1,3,S,S], got [${input.shape.join(",")}]`,
    );
  }
  const ms = await warmUp(loaded);
  log.info(
    `loaded ${name} from ${path}, input ${input.type} [${input.shape.join("×")}], warm-up ${ms.toFixed(0)} ms`,
  );
  return {
    loaded,
    inputName: input.name,
    outputName: output.name,
    inputSize: side,
    float16: input.type === "float16",
  };
}
