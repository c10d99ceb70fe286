import { getEventListeners } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../logger.js";
import { forwardPredictorMetrics } from "../../metrics/predictor-metrics.js";
import { fixturePredictor } from "../../test-support/fixture-predictor.js";
import { WorkerPool } from "./worker-pool.js";

// The signal a job is handed can outlive the job (a caller may reuse it), and
// a listener left on it keeps everything the listener holds reachable: one
// per prediction is a slow leak.
describe("WorkerPool abort listeners", () => {
  let pool: WorkerPool;
  beforeAll(async () => {
    pool = new WorkerPool({
      moduleUrl: fixturePredictor.moduleUrl!,
      predictorName: fixturePredictor.name,
      predictorVersion: fixturePredictor.version,
      size: 1,
      log: createLogger({ level: "silent" }),
      logLevel: "silent",
      abortGraceMs: 1_000,
      oldSpaceMb: 0,
      predictorMetrics: forwardPredictorMetrics(() => {}),
    });
    await pool.start();
  });
  afterAll(() => pool.close());

  it("removes its listener from a job's signal once the job has finished", async () => {
    const client = new AbortController();
    for (const text of ["a", "b", "c"]) {
      const { output } = await pool.run({
        input: { text, count: 1, mode: "ok", sleep_ms: 0, busy_ms: 0, tally: false },
        requestId: text,
        signal: client.signal,
      });
      expect(output).toMatchObject({ text });
    }
    expect(getEventListeners(client.signal, "abort")).toEqual([]);
  });
});
