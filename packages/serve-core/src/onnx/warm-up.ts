import { Tensor } from "onnxruntime-node";
import type { LoadedSession, TensorInfo } from "./load-session.js";

/** Options of {@link warmUp}. */
export interface WarmUpOptions {
  /**
   * Sizes of symbolic dimensions by name, e.g. `{ batch: 8 }`.
   * @default 1 for every symbolic dimension
   */
  dims?: Readonly<Record<string, number>>;
  /**
   * Complete shapes by input name, for inputs whose shape the model leaves unknown.
   * @default the shape from the model's metadata
   */
  shapes?: Readonly<Record<string, readonly number[]>>;
}

/**
 * Runs one inference on zero-filled inputs shaped from the model's metadata, so the
 * first real request does not pay for lazy allocation and kernel selection.
 * Returns the milliseconds the run took.
 *
 * @example
 * const loaded = await loadSession(weightsPath);
 * const ms = await warmUp(loaded, { dims: { batch: 1 } });
 * ctx.log.info({ ms }, "model warmed up");
 */
export async function warmUp(loaded: LoadedSession, options: WarmUpOptions = {}): Promise<number> {
  const feeds: Record<string, Tensor> = {};
  for (const input of loaded.inputs) feeds[input.name] = zeroTensor(input, options);
  const start = performance.now();
  await loaded.session.run(feeds);
  return performance.now() - start;
}

function zeroTensor(input: TensorInfo, options: WarmUpOptions): Tensor {
  if (input.type === undefined) {
    throw new TypeError(`warmUp: input "${input.name}" is not a tensor; run the session yourself`);
  }
  const dims = options.shapes?.[input.name] ?? resolveDims(input, options.dims ?? {});
  const size = dims.reduce((a, b) => a * b, 1);
  return new Tensor(input.type, zeros(input.type, size, input.name), dims);
}

function resolveDims(input: TensorInfo, named: Readonly<Record<string, number>>): number[] {
  if (input.shape.length === 0) {
    throw new TypeError(
      `warmUp: the model gives no shape for input "${input.name}"; pass shapes: { "${input.name}": [...] }`,
    );
  }
  return input.shape.map((dim) => (typeof dim === "number" && dim >= 0 ? dim : (named[dim] ?? 1)));
}

function zeros(type: Tensor.Type, size: number, name: string): Tensor.DataType {
  switch (type) {
    case "float32":
      return new Float32Array(size);
    case "float64":
      return new Float64Array(size);
    case "float16":
    case "uint16":
      return new Uint16Array(size);
    case "int16":
      return new Int16Array(size);
    case "int8":
      return new Int8Array(size);
    case "uint8":
    case "bool":
      return new Uint8Array(size);
    case "int32":
      return new Int32Array(size);
    case "uint32":
      return new Uint32Array(size);
    case "int64":
      return new BigInt64Array(size);
    case "uint64":
      return new BigUint64Array(size);
    case "string":
      return new Array<string>(size).fill("");
    case "int4":
    case "uint4":
      return new Uint8Array(Math.ceil(size / 2));
    default: {
      const unsupported: never = type;
      throw new TypeError(`warmUp: input "${name}" has unsupported type ${String(unsupported)}`);
    }
  }
}
