import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createLogger } from "../logger.js";
import { definePredictor } from "../predictor.js";
import { ModelRuntime } from "../runtime/model-runtime.js";
import { StreamModels } from "./stream-models.js";

const log = createLogger({ level: "silent" });

const batching = definePredictor({
  name: "batching",
  input: z.object({ x: z.number() }),
  output: z.object({ y: z.number() }),
  batch: { maxSize: 4, maxWaitMs: 5 },
  predict: ({ x }) => ({ y: x }),
  predictBatch: (inputs) => inputs.map(({ x }) => ({ y: x })),
});

const slow = definePredictor({
  name: "slow",
  input: z.object({}),
  output: z.object({}),
  predict: () => new Promise<Record<string, never>>((r) => setTimeout(() => r({}), 100)),
});

describe("StreamModels", () => {
  it("counts a batching runtime's capacity as its slots times the batch size", async () => {
    const runtime = new ModelRuntime(batching, { workers: 0, maxConcurrency: 2, logger: log });
    try {
      expect(new StreamModels(runtime).capacity).toBe(8);
    } finally {
      await runtime.close();
    }
  });

  it("has no free capacity while every slot runs, as the runtime's admission counts it", async () => {
    const runtime = new ModelRuntime(slow, { workers: 0, maxConcurrency: 3, logger: log });
    try {
      await runtime.ready;
      const models = new StreamModels(runtime);
      expect([models.capacity, models.free]).toEqual([3, 3]);
      const running = Array.from({ length: 4 }, () => runtime.predict({}, { accepted: true }));
      expect([runtime.inFlight, runtime.queued, models.free]).toEqual([3, 1, 0]);
      await Promise.all(running);
      expect(models.free).toBe(3);
    } finally {
      await runtime.close();
    }
  });
});
