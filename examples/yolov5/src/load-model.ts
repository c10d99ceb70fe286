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
  /**
   * The warm-up inference, started when the session is created and not
   * awaited by setup: READY comes sooner, and a prediction that arrives first
   * waits for it (about what a cold first run would cost it anyway).
   */
  warmedUp: Promise<void>;
}

/** Loads one model from its ONNX file (`ctx.weights.path(name)`) and starts its warm-up. */
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
  log.info(`loaded ${name} from ${path}, input ${input.type} [${input.shape.join("×")}]`);
  const warmedUp = warmUp(loaded).then((ms) =>
    log.info(`warmed up ${name} in ${ms.toFixed(0)} ms`),
  );
  warmedUp.catch(() => {}); // the prediction that waits for it reports the failure
  return {
    loaded,
    inputName: input.name,
    outputName: output.name,
    inputSize: side,
    float16: input.type === "float16",
    warmedUp,
  };
}
