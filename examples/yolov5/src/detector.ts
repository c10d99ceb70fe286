// The detector at run time: everything that needs onnxruntime and the image
// decoder. predictor.ts imports it only in setup, so the HTTP thread of a
// worker pool never loads either (less memory, a faster start).
import { invalidField, type PredictContext, type SetupContext } from "@servekit/core";
import { decodeImage, letterbox } from "@servekit/core/image";
import { float16Tensor, tensorToFloat32 } from "@servekit/core/onnx";
import { Tensor } from "onnxruntime-node";
import { type LoadedModel, loadModel } from "./load-model.js";
import { ModelSet } from "./model-set.js";
import { decodeDetections } from "./postprocess/index.js";
import { type DetectInput, type DetectOutput, LABELS, MIN_SIDE } from "./schemas.js";
import type { ModelName } from "./weights.js";

/** What setup returns: the models (loaded on first use) and the reusable input buffers. */
export interface Detector {
  models: ModelSet<ModelName, LoadedModel>;
  /** The 1×3×S×S input, reused by one prediction at a time. */
  inputBuffer: Float32Array;
  /** Its float16 copy, made on the first request for an fp16 model. */
  float16Buffer: Uint16Array | undefined;
  inputInUse: boolean;
  /** {@link detect}, reached through the state so the predictor module needs no static import of this one. */
  detect: typeof detect;
}

/** An 8×8 grey JPEG, decoded once after setup to load and warm the decoder. */
const WARM_UP_JPEG = Buffer.from(
  "/9j/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUfGhsjHBYWICwgIyYnKSopGR8tMC0oMCUoKSj/2wBDAQcHBwoIChMKChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCj/wAARCAAIAAgDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAX/xAAUEAEAAAAAAAAAAAAAAAAAAAAA/8QAFAEBAAAAAAAAAAAAAAAAAAAAAP/EABQRAQAAAAAAAAAAAAAAAAAAAAD/2gAMAwEAAhEDEQA/AJgAP//Z",
  "base64",
);

/** Side of the square input every YOLOv5n export here takes; a model with another one gets its own buffers. */
const INPUT_SIDE = 640;

/**
 * Sets up a detector serving `names`: the weights of `eager` are found (or
 * downloaded) and loaded now, the others on their first request.
 */
export async function loadDetector(
  names: readonly ModelName[],
  eager: readonly ModelName[],
  { weights, log }: Pick<SetupContext, "weights" | "log">,
): Promise<Detector> {
  const models = new ModelSet(names, async (name: ModelName) => {
    if (!eager.includes(name)) log.info(`loading ${name} on its first request`);
    return loadModel(name, await weights.path(name), log);
  });
  await models.load(eager);
  // The image decoder (sharp, libvips) loads with this first decode, after
  // setup; a request that comes first waits for the same load.
  decodeImage(WARM_UP_JPEG).catch((error: unknown) =>
    log.warn({ err: error }, "the image decoder's warm-up failed"),
  );
  return {
    models,
    inputBuffer: new Float32Array(3 * INPUT_SIDE * INPUT_SIDE),
    float16Buffer: undefined,
    inputInUse: false,
    detect,
  };
}

/** Runs one detection: decode + letterbox, inference, NMS, with the time each took. */
export async function detect(
  input: DetectInput,
  { state, signal }: PredictContext<Detector>,
): Promise<DetectOutput> {
  if (input.image.width < MIN_SIDE || input.image.height < MIN_SIDE) {
    throw invalidField(
      ["image"],
      `image is ${input.image.width}×${input.image.height}; at least ${MIN_SIDE}×${MIN_SIDE} pixels are needed`,
    );
  }
  const model = await state.models.get(input.model as ModelName);
  await model.warmedUp;
  // The timings are the pipeline's own: a model's first load and warm-up are not in them.
  const started = performance.now();
  const classes = input.classes?.map((c) => (typeof c === "number" ? c : LABELS.indexOf(c)));

  // One prediction runs per worker, so the input buffer is normally free;
  // inline with concurrent predictions, the later ones allocate their own.
  const reuse = !state.inputInUse && model.inputSize === INPUT_SIDE;
  if (reuse) state.inputInUse = true;
  try {
    const decoded = await decodeImage(input.image.data, { field: "image" });
    const boxed = letterbox(decoded, {
      size: model.inputSize,
      out: reuse ? state.inputBuffer : undefined,
    });
    if (reuse && model.float16) state.float16Buffer ??= new Uint16Array(boxed.tensor.length);
    const tensor = model.float16
      ? float16Tensor(boxed.tensor, boxed.dims, reuse ? state.float16Buffer : undefined)
      : new Tensor("float32", boxed.tensor, boxed.dims);
    const preprocessed = performance.now();

    signal.throwIfAborted();
    const outputs = await model.loaded.session.run({ [model.inputName]: tensor });
    const raw = tensorToFloat32(outputs[model.outputName]!);
    const inferred = performance.now();

    const detections = decodeDetections(raw, {
      labels: LABELS,
      imageWidth: decoded.width,
      imageHeight: decoded.height,
      inputSize: model.inputSize,
      confidence: input.confidence,
      iou: input.iou,
      maxDetections: input.max_detections,
      ...(classes ? { classes } : {}),
    });
    const done = performance.now();
    return {
      detections,
      image: { width: decoded.width, height: decoded.height },
      model: input.model,
      timings_ms: {
        preprocess: round(preprocessed - started),
        inference: round(inferred - preprocessed),
        postprocess: round(done - inferred),
        total: round(done - started),
      },
    };
  } finally {
    if (reuse) state.inputInUse = false;
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
