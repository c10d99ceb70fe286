import { encodeOnnxModel } from "./onnx-model-writer.js";

/** The classes of the iris model, in the order of its output columns. */
export const IRIS_SPECIES = ["setosa", "versicolor", "virginica"] as const;

/** The columns of the iris model's input, in centimetres. */
export const IRIS_FEATURES = [
  "sepal_length",
  "sepal_width",
  "petal_length",
  "petal_width",
] as const;

/**
 * A multinomial logistic regression for Fisher's iris data: per species, one
 * coefficient per feature (in {@link IRIS_FEATURES} order) and an intercept,
 * rounded values close to what a regularised fit on the 150 flowers gives.
 */
export const IRIS_COEFFICIENTS: Readonly<
  Record<(typeof IRIS_SPECIES)[number], { weights: readonly number[]; bias: number }>
> = {
  setosa: { weights: [-0.42, 0.97, -2.4, -1.03], bias: 9.8 },
  versicolor: { weights: [0.53, -0.32, -0.21, -0.94], bias: 2.2 },
  virginica: { weights: [-0.11, -0.65, 2.61, 1.97], bias: -12.1 },
};

/** Names the generated predictor relies on. */
export const IRIS_MODEL_IO = { input: "features", output: "probabilities", batchDim: "batch" };

/**
 * The iris classifier as ONNX bytes (IR 8, opset 13): `features` float32
 * `[batch, 4]` → MatMul by a 4×3 weight, Add a bias, Softmax →
 * `probabilities` float32 `[batch, 3]`. Deterministic: the same bytes every time.
 *
 * @example
 * writeFileSync("model.onnx", irisModelBytes());
 */
export function irisModelBytes(): Uint8Array {
  const features = IRIS_FEATURES.length;
  const classes = IRIS_SPECIES.length;
  // MatMul wants W as features × classes: column j holds species j's weights.
  const weights = new Float32Array(features * classes);
  IRIS_SPECIES.forEach((species, j) => {
    IRIS_COEFFICIENTS[species].weights.forEach((w, k) => {
      weights[k * classes + j] = w;
    });
  });
  const bias = Float32Array.from(IRIS_SPECIES, (species) => IRIS_COEFFICIENTS[species].bias);
  const { input, output, batchDim } = IRIS_MODEL_IO;
  return encodeOnnxModel({
    irVersion: 8,
    opsetVersion: 13,
    producerName: "servekit-init",
    docString: `Iris species (${IRIS_SPECIES.join(", ")}) from ${IRIS_FEATURES.join(", ")} in cm: logistic regression.`,
    graphName: "iris_logistic_regression",
    nodes: [
      { opType: "MatMul", inputs: [input, "weights"], outputs: ["scores"], name: "matmul" },
      { opType: "Add", inputs: ["scores", "bias"], outputs: ["logits"], name: "add" },
      { opType: "Softmax", inputs: ["logits"], outputs: [output], name: "softmax" },
    ],
    initializers: [
      { name: "weights", dims: [features, classes], values: weights },
      { name: "bias", dims: [classes], values: bias },
    ],
    inputs: [{ name: input, shape: [batchDim, features] }],
    outputs: [{ name: output, shape: [batchDim, classes] }],
  });
}
