import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, ServeError, serve } from "../index.js";
import { tinyBatchPredictor } from "../test-support/tiny-onnx-batch-predictor.js";
import { writeTinyModel } from "../test-support/tiny-onnx-model.js";
import { Batcher } from "./batcher.js";
import type { Executor, PredictionJob } from "./executor/executor.js";

/** An executor that records batches and echoes each input doubled. */
function recordingExecutor(capacity = 1) {
  const batches: unknown[][] = [];
  const executor: Executor = {
    state: "READY",
    setup: { started_at: null, completed_at: null, status: "succeeded", logs: "" },
    accepting: true,
    capacity,
    start: async () => {},
    close: async () => {},
    run: async (job: PredictionJob) => {
      const inputs = job.input as number[];
      batches.push(inputs);
      await new Promise((r) => setTimeout(r, 10));
      return { output: inputs.map((n) => ({ output: n * 2 })), logs: "" };
    },
  };
  return { executor, batches };
}

const never = () => new AbortController().signal;

describe("Batcher", () => {
  it("groups inputs arriving together up to maxSize and routes each result back", async () => {
    const { executor, batches } = recordingExecutor();
    const batcher = new Batcher(executor, { maxSize: 3, maxWaitMs: 1_000 });
    const results = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => batcher.submit(n, never())));
    expect(results.map((r) => r.output)).toEqual([2, 4, 6, 8, 10, 12]);
    expect(batches).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });

  it("sends a partial batch once maxWaitMs has passed", async () => {
    const { executor, batches } = recordingExecutor();
    const batcher = new Batcher(executor, { maxSize: 8, maxWaitMs: 20 });
    expect((await batcher.submit(7, never())).output).toBe(14);
    expect(batches).toEqual([[7]]);
  });

  it("drops an input whose caller left before its batch ran", async () => {
    const { executor, batches } = recordingExecutor();
    const batcher = new Batcher(executor, { maxSize: 8, maxWaitMs: 30 });
    const gone = new AbortController();
    const left = batcher.submit(1, gone.signal);
    const stays = batcher.submit(2, never());
    gone.abort(new Error("client went away"));
    await expect(left).rejects.toThrow("client went away");
    expect((await stays).output).toBe(4);
    expect(batches).toEqual([[2]]);
  });

  it("fails an input with the very error its predictBatch item was, inline (no wire format)", async () => {
    const refused = new ServeError("INVALID_INPUT", "odd numbers are refused", {
      details: [{ path: ["n"], message: "is odd" }],
    });
    const { executor } = recordingExecutor();
    const run = executor.run;
    executor.run = async (job) => {
      const { output, logs } = await run(job);
      const items = (output as { output: number }[]).map((item) =>
        item.output % 4 === 2 ? { error: refused } : item,
      );
      return { output: items, logs };
    };
    const batcher = new Batcher(executor, { maxSize: 2, maxWaitMs: 1_000 });
    const [odd, even] = await Promise.allSettled([
      batcher.submit(1, never()),
      batcher.submit(2, never()),
    ]);
    expect(odd).toEqual({ status: "rejected", reason: refused });
    expect((odd as PromiseRejectedResult).reason).toBe(refused);
    expect(even).toMatchObject({ status: "fulfilled", value: { output: 4 } });
  });
});

describe("dynamic batching over HTTP with a tiny ONNX model (dynamic batch axis)", () => {
  let model: Awaited<ReturnType<typeof writeTinyModel>>;
  let server: RunningServer;
  const post = (body: unknown) =>
    fetch(`${server.url}/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    model = await writeTinyModel({ op: "MatMul" });
    process.env.TINY_ONNX_MODEL = model.path;
    server = await serve(tinyBatchPredictor, {
      host: "127.0.0.1",
      port: 0,
      workers: 1,
      logLevel: "silent",
      handleSignals: false,
    });
    await server.ready;
  });
  afterAll(async () => {
    await server.close();
    await model.remove();
  });

  it("runs concurrent requests as batches and gives each caller its own row", async () => {
    const rows = Array.from({ length: 8 }, (_, i) => [i, i + 1, -i, 0.5]);
    const responses = await Promise.all(rows.map((row) => post({ row })));
    expect(responses.map((r) => r.status)).toEqual(Array(8).fill(200));
    const outputs = await Promise.all(responses.map((r) => r.json()));
    outputs.forEach((out, i) => {
      const want = Array.from(model.model.expected(Float32Array.from(rows[i]!)));
      out.y.forEach((v: number, j: number) => {
        expect(v).toBeCloseTo(want[j]!, 5);
      });
    });
    expect(Math.max(...outputs.map((o) => o.batch_size))).toBe(4);
  });

  it("fails a bad input alone while the rest of its batch succeeds", async () => {
    const bodies = [
      { row: [1, 1, 1, 1] },
      { row: [2, 2, 2, 2], reject: true },
      { row: [3, 3, 3, 3] },
      { row: [4, 4, 4, 4] },
    ];
    const responses = await Promise.all(bodies.map(post));
    expect(responses.map((r) => r.status)).toEqual([200, 422, 200, 200]);
    const rejected = await responses[1]!.json();
    expect(rejected.error.details[0].path).toEqual(["reject"]);
    const ok = await responses[0]!.json();
    expect(ok.batch_size).toBe(4);
  });
});
