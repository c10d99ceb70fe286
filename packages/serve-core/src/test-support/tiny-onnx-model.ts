import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import onnxProto from "onnx-proto";
import { float32ToFloat16 } from "../onnx/float16.js";

const { onnx } = onnxProto;

/** What the tiny model computes from `x`. */
export type TinyModelOp = "Add" | "MatMul";

/** Options of {@link buildTinyModel}. */
export interface TinyModelOptions {
  /**
   * `"Add"`: `y = x + c`, `c` of length `inputSize`.
   * `"MatMul"`: `y = x · W`, `W` of `inputSize × outputSize`.
   * @default "Add"
   */
  op?: TinyModelOp;
  /**
   * Columns of `x`.
   * @default 4
   */
  inputSize?: number;
  /**
   * Columns of `y` for `"MatMul"` (`"Add"` keeps `inputSize`).
   * @default 3
   */
  outputSize?: number;
  /**
   * Element type of `x`, the constant and `y`.
   * @default "float32"
   */
  dtype?: "float32" | "float16";
  /**
   * Symbolic name of the batch (first) dimension of `x` and `y`.
   * @default "N"
   */
  batchDim?: string;
}

/** A generated ONNX model and what it should compute. */
export interface TinyModel {
  /** Serialized ModelProto (IR 7, opset 13), ready for `InferenceSession.create`. */
  bytes: Uint8Array;
  inputName: "x";
  outputName: "y";
  /** Columns of `x`. */
  inputSize: number;
  /** Columns of `y`. */
  outputSize: number;
  dtype: "float32" | "float16";
  /** The constant: `c` (Add) or `W` row-major (MatMul), all exact in float16 too. */
  weights: Float32Array;
  /** `y` for a batch of rows of `x` (row-major, `rows × inputSize`), in float64 math. */
  expected(x: Float32Array): Float32Array;
}

/**
 * Builds a tiny, valid ONNX model with a dynamic batch axis: input `x`
 * `[N, inputSize]`, output `y` `[N, outputSize]`, one Add or MatMul node.
 * For tests of sessions, warm-up and batching without shipping model files.
 *
 * @example
 * const model = buildTinyModel({ op: "MatMul", inputSize: 4, outputSize: 2 });
 * const { session } = await loadSession(model.bytes);
 * const x = new Float32Array([1, 2, 3, 4]);
 * const { y } = await session.run({ x: new Tensor("float32", x, [1, 4]) });
 * // y.data equals model.expected(x)
 */
export function buildTinyModel(options: TinyModelOptions = {}): TinyModel {
  const op = options.op ?? "Add";
  const inputSize = options.inputSize ?? 4;
  const outputSize = op === "Add" ? inputSize : (options.outputSize ?? 3);
  const dtype = options.dtype ?? "float32";
  const batchDim = options.batchDim ?? "N";
  const elemType =
    dtype === "float32" ? onnx.TensorProto.DataType.FLOAT : onnx.TensorProto.DataType.FLOAT16;

  // Small multiples of 1/4: exact in float16, so both dtypes share `expected`.
  const weightDims = op === "Add" ? [inputSize] : [inputSize, outputSize];
  const weights = Float32Array.from(
    { length: op === "Add" ? inputSize : inputSize * outputSize },
    (_, i) => (op === "Add" ? (i + 1) * 0.5 : ((i % 7) - 3) * 0.25),
  );
  const rawData =
    dtype === "float32"
      ? new Uint8Array(weights.buffer.slice(0))
      : new Uint8Array(float32ToFloat16(weights).buffer);

  const tensorType = (cols: number) => ({
    tensorType: {
      elemType,
      shape: { dim: [{ dimParam: batchDim }, { dimValue: cols }] },
    },
  });
  const model = onnx.ModelProto.create({
    irVersion: 7,
    producerName: "servekit-test-support",
    opsetImport: [{ domain: "", version: 13 }],
    graph: {
      name: `tiny-${op.toLowerCase()}`,
      node: [{ name: op.toLowerCase(), opType: op, input: ["x", "w"], output: ["y"] }],
      initializer: [{ name: "w", dims: weightDims, dataType: elemType, rawData }],
      input: [{ name: "x", type: tensorType(inputSize) }],
      output: [{ name: "y", type: tensorType(outputSize) }],
    },
  });
  const bytes = onnx.ModelProto.encode(model).finish();

  const expected = (x: Float32Array): Float32Array => {
    if (x.length % inputSize !== 0) {
      throw new RangeError(`x has ${x.length} values, not a multiple of inputSize ${inputSize}`);
    }
    const rows = x.length / inputSize;
    const y = new Float32Array(rows * outputSize);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < outputSize; j++) {
        let sum = 0;
        if (op === "Add") {
          sum = x[r * inputSize + j]! + weights[j]!;
        } else {
          for (let k = 0; k < inputSize; k++) {
            sum += x[r * inputSize + k]! * weights[k * outputSize + j]!;
          }
        }
        y[r * outputSize + j] = sum;
      }
    }
    return y;
  };

  return {
    bytes,
    inputName: "x",
    outputName: "y",
    inputSize,
    outputSize,
    dtype,
    weights,
    expected,
  };
}

/** A tiny model written to a fresh temporary directory. */
export interface TinyModelFile {
  /** Absolute path of the `.onnx` file. */
  path: string;
  model: TinyModel;
  /** Deletes the temporary directory. */
  remove(): Promise<void>;
}

/**
 * Writes {@link buildTinyModel}'s output to `<tmpdir>/servekit-tiny-*\/tiny.onnx`.
 *
 * @example
 * const file = await writeTinyModel({ op: "Add" });
 * try { await loadSession(file.path); } finally { await file.remove(); }
 */
export async function writeTinyModel(options: TinyModelOptions = {}): Promise<TinyModelFile> {
  const model = buildTinyModel(options);
  const dir = await mkdtemp(join(tmpdir(), "servekit-tiny-"));
  const path = join(dir, "tiny.onnx");
  await writeFile(path, model.bytes);
  return { path, model, remove: () => rm(dir, { recursive: true, force: true }) };
}
