import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { Tensor } from "onnxruntime-node";
import { afterAll, describe, expect, it, vi } from "vitest";
import {
  buildTinyModel,
  type TinyModelFile,
  writeTinyModel,
} from "../test-support/tiny-onnx-model.js";
import { float16Tensor, tensorToFloat32 } from "./float-tensor.js";
import { loadSession } from "./load-session.js";
import { resolveSessionOptions } from "./session-options.js";
import { warmUp } from "./warm-up.js";

function cudaProviderInstalled(): boolean {
  const require = createRequire(import.meta.url);
  const bin = join(dirname(require.resolve("onnxruntime-node")), "..", "bin");
  return readdirSync(bin, { recursive: true }).some((file) =>
    String(file).includes("onnxruntime_providers_cuda"),
  );
}

const rows = (batch: number, width: number) =>
  Float32Array.from({ length: batch * width }, (_, i) => i * 0.25 - 1);

describe("loadSession", () => {
  const files: TinyModelFile[] = [];
  afterAll(async () => {
    await Promise.all(files.map((file) => file.remove()));
  });

  it("loads a model from bytes and reports its inputs and outputs", async () => {
    const model = buildTinyModel({ op: "Add", inputSize: 4 });
    const loaded = await loadSession(model.bytes, { intraOpNumThreads: 1 });
    expect(loaded.inputs).toEqual([{ name: "x", type: "float32", shape: ["N", 4] }]);
    expect(loaded.outputs).toEqual([{ name: "y", type: "float32", shape: ["N", 4] }]);
    expect(loaded.executionProviders).toEqual(["cpu"]);
    expect(loaded.executionProvider).toBe("cpu");
    expect(loaded.fellBack).toBe(false);
  });

  it("runs batches of 1 and 3 rows through the dynamic batch axis", async () => {
    const model = buildTinyModel({ op: "Add", inputSize: 4 });
    const { session } = await loadSession(model.bytes, { intraOpNumThreads: 1 });
    for (const batch of [1, 3]) {
      const x = rows(batch, 4);
      const { y } = await session.run({ x: new Tensor("float32", x, [batch, 4]) });
      expect(y!.dims).toEqual([batch, 4]);
      expect(Array.from(y!.data as Float32Array)).toEqual(Array.from(model.expected(x)));
    }
  });

  it("loads a MatMul model from a file path", async () => {
    const file = await writeTinyModel({ op: "MatMul", inputSize: 4, outputSize: 3 });
    files.push(file);
    const { session, outputs } = await loadSession(file.path, { intraOpNumThreads: 1 });
    expect(outputs[0]!.shape).toEqual(["N", 3]);
    const x = rows(3, 4);
    const { y } = await session.run({ x: new Tensor("float32", x, [3, 4]) });
    expect(y!.dims).toEqual([3, 3]);
    const expected = file.model.expected(x);
    const actual = y!.data as Float32Array;
    for (let i = 0; i < expected.length; i++) expect(actual[i]).toBeCloseTo(expected[i]!, 5);
  });

  it("runs a float16 model through float16Tensor and tensorToFloat32", async () => {
    const model = buildTinyModel({ op: "Add", dtype: "float16" });
    const loaded = await loadSession(model.bytes, { intraOpNumThreads: 1 });
    expect(loaded.inputs[0]).toEqual({ name: "x", type: "float16", shape: ["N", 4] });
    const x = rows(3, 4); // quarter steps: exact in float16
    const { y } = await loaded.session.run({ x: float16Tensor(x, [3, 4]) });
    expect(y!.type).toBe("float16");
    expect(tensorToFloat32(y!)).toEqual(model.expected(x));
  });

  it("drops providers this onnxruntime build does not know, and says so", async () => {
    const warn = vi.fn();
    const loaded = await loadSession(buildTinyModel().bytes, {
      executionProviders: ["no-such-provider", "cpu"],
      intraOpNumThreads: 1,
      log: { warn },
    });
    expect(loaded.executionProviders).toEqual(["cpu"]);
    expect(loaded.executionProvider).toBe("cpu");
    expect(loaded.fellBack).toBe(true);
    expect(warn).toHaveBeenCalledOnce();
    expect(warn.mock.calls[0]![1]).toMatch(/no-such-provider are not available/);
  });

  // The npm package ships CPU binaries only; CUDA needs libonnxruntime_providers_cuda.so beside them.
  it.skipIf(cudaProviderInstalled())(
    "falls back to the CPU when the requested provider fails to start",
    async () => {
      const warn = vi.fn();
      const loaded = await loadSession(buildTinyModel().bytes, {
        executionProviders: ["cuda", "cpu"],
        intraOpNumThreads: 1,
        sessionOptions: { logSeverityLevel: 4 },
        log: { warn },
      });
      expect(loaded).toMatchObject({ executionProviders: ["cpu"], fellBack: true });
      expect(warn.mock.calls[0]![1]).toContain("falling back to cpu");
      const { y } = await loaded.session.run({ x: new Tensor("float32", rows(1, 4), [1, 4]) });
      expect(y!.dims).toEqual([1, 4]);
    },
  );

  it("names the model when it cannot be loaded", async () => {
    const garbage = new Uint8Array([1, 2, 3, 4, 5]);
    await expect(loadSession(garbage, { intraOpNumThreads: 1 })).rejects.toThrow(
      /could not load ONNX model a 5-byte model/,
    );
    await expect(
      loadSession("/nonexistent/model.onnx", { executionProviders: ["no-such-provider"] }),
    ).rejects.toThrow(/could not load ONNX model \/nonexistent\/model\.onnx/);
  });
});

describe("resolveSessionOptions", () => {
  it("uses serving defaults, every core on the main thread", () => {
    expect(resolveSessionOptions()).toEqual({
      executionProviders: ["cpu"],
      intraOpNumThreads: availableParallelism(),
      interOpNumThreads: 1,
      graphOptimizationLevel: "all",
      executionMode: "sequential",
      enableMemPattern: false,
    });
  });

  it("lets explicit options and raw session options override the defaults", () => {
    const resolved = resolveSessionOptions({
      intraOpNumThreads: 3,
      executionProviders: ["cuda", "cpu"],
      sessionOptions: {
        graphOptimizationLevel: "basic",
        logSeverityLevel: 3,
        enableMemPattern: true,
      },
    });
    expect(resolved).toMatchObject({
      intraOpNumThreads: 3,
      executionProviders: ["cuda", "cpu"],
      graphOptimizationLevel: "basic",
      logSeverityLevel: 3,
      enableMemPattern: true,
    });
  });

  it("rejects thread counts below 1 and an empty provider list", () => {
    expect(() => resolveSessionOptions({ intraOpNumThreads: 0 })).toThrow(/intraOpNumThreads/);
    expect(() => resolveSessionOptions({ executionProviders: [] })).toThrow(/executionProviders/);
  });
});

describe("warmUp", () => {
  it("runs zero-filled inputs shaped from the metadata and returns the milliseconds", async () => {
    const loaded = await loadSession(buildTinyModel({ op: "MatMul" }).bytes, {
      intraOpNumThreads: 1,
    });
    const run = vi.spyOn(loaded.session, "run");
    const ms = await warmUp(loaded);
    expect(ms).toBeGreaterThanOrEqual(0);
    const feeds = run.mock.calls[0]![0] as Record<string, Tensor>;
    expect(feeds.x!.dims).toEqual([1, 4]);
    expect(Array.from(feeds.x!.data as Float32Array)).toEqual([0, 0, 0, 0]);
  });

  it("sizes symbolic dimensions by name and takes whole shapes", async () => {
    const loaded = await loadSession(buildTinyModel({ dtype: "float16" }).bytes, {
      intraOpNumThreads: 1,
    });
    const run = vi.spyOn(loaded.session, "run");
    await warmUp(loaded, { dims: { N: 8 } });
    await warmUp(loaded, { shapes: { x: [2, 4] } });
    const [first, second] = run.mock.calls.map((call) => (call[0] as Record<string, Tensor>).x!);
    expect(first!.dims).toEqual([8, 4]);
    expect(first!.type).toBe("float16");
    expect(second!.dims).toEqual([2, 4]);
  });
});
