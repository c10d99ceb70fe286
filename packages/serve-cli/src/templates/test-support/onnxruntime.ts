import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

/** The part of onnxruntime-node the template tests use. */
export interface OnnxRuntime {
  InferenceSession: {
    create(model: Uint8Array): Promise<{
      inputNames: readonly string[];
      outputNames: readonly string[];
      run(
        feeds: Record<string, unknown>,
      ): Promise<Record<string, { data: unknown; dims: readonly number[] }>>;
    }>;
  };
  Tensor: new (type: "float32", data: Float32Array, dims: readonly number[]) => unknown;
}

/**
 * onnxruntime-node as installed for @servekit/core (a devDependency there):
 * the CLI itself does not depend on it, its tests borrow core's copy.
 */
export function loadOnnxRuntime(): OnnxRuntime {
  const corePackage = fileURLToPath(
    new URL("../../../../serve-core/package.json", import.meta.url),
  );
  return createRequire(corePackage)("onnxruntime-node") as OnnxRuntime;
}

/** Runs a model on rows of float32 input and returns the named output's rows. */
export async function runRows(
  model: Uint8Array,
  io: { input: string; output: string },
  rows: readonly (readonly number[])[],
): Promise<number[][]> {
  const ort = loadOnnxRuntime();
  const session = await ort.InferenceSession.create(model);
  const width = rows[0]?.length ?? 0;
  const feeds = {
    [io.input]: new ort.Tensor("float32", Float32Array.from(rows.flat()), [rows.length, width]),
  };
  const result = (await session.run(feeds))[io.output];
  if (!result) throw new Error(`the model has no output "${io.output}"`);
  const [count, columns] = result.dims as [number, number];
  const data = result.data as Float32Array;
  return Array.from({ length: count }, (_, r) => [
    ...data.subarray(r * columns, (r + 1) * columns),
  ]);
}
