import { Tensor } from "onnxruntime-node";
import { float16ToFloat32, float32ToFloat16 } from "./float16.js";

/**
 * Makes a `float16` onnxruntime tensor from float32 values (rounded to nearest-even),
 * for models with float16 inputs.
 *
 * @example
 * const { tensor, dims } = letterbox(image);
 * const feeds = { images: float16Tensor(tensor, dims) }; // yolov5n-fp16.onnx
 */
export function float16Tensor(
  data: Float32Array,
  dims: readonly number[],
  out?: Uint16Array,
): Tensor {
  return new Tensor("float16", float32ToFloat16(data, out), dims);
}

/**
 * Reads a floating-point tensor's values as float32, whatever its element type:
 * `float32` data is returned as is (no copy unless `out` is given), `float16`
 * (a Uint16Array, or a Float16Array where the runtime has one) and `float64` are converted.
 *
 * @example
 * const { output0 } = await session.run(feeds);
 * const predictions = tensorToFloat32(output0); // [1, 25200, 85] as float32
 */
export function tensorToFloat32(tensor: Tensor, out?: Float32Array): Float32Array {
  const data = tensor.data;
  switch (tensor.type) {
    case "float32": {
      const values = data as Float32Array;
      if (out === undefined) return values;
      checkLength(out, values.length);
      out.set(values);
      return out;
    }
    case "float16": {
      const halves = data as ArrayBufferView & { length: number };
      const bits =
        halves instanceof Uint16Array
          ? halves
          : new Uint16Array(halves.buffer, halves.byteOffset, halves.length);
      return float16ToFloat32(bits, out);
    }
    case "float64": {
      const values = data as Float64Array;
      const target = out ?? new Float32Array(values.length);
      checkLength(target, values.length);
      target.set(values);
      return target;
    }
    default:
      throw new TypeError(
        `tensorToFloat32: tensor is ${tensor.type}; expected float32, float16 or float64`,
      );
  }
}

function checkLength(out: Float32Array, length: number): void {
  if (out.length < length) {
    throw new RangeError(`tensorToFloat32: out has ${out.length} elements, needs ${length}`);
  }
}
