import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createLogger } from "../../logger.js";
import { forwardPredictorMetrics } from "../../metrics/predictor-metrics.js";
import { fixturePredictor } from "../../test-support/fixture-predictor.js";
import { Cancellation } from "../cancellation.js";
import { WorkerPool } from "./worker-pool.js";

// The cancellation a job is handed can outlive the job (a caller may reuse
// it), and a listener left on it keeps everything the listener holds
// reachable: one per prediction is a slow leak.
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

  it("removes its listener from a job's cancellation once the job has finished", async () => {
    const client = new Cancellation();
    let listening = 0;
    const onAbort = client.onAbort.bind(client);
    vi.spyOn(client, "onAbort").mockImplementation((listener) => {
      listening++;
      const remove = onAbort(listener);
      return () => {
        listening--;
        remove();
      };
    });
    for (const text of ["a", "b", "c"]) {
      const { output } = await pool.run({
        input: { text, count: 1, mode: "ok", sleep_ms: 0, busy_ms: 0, tally: false },
        requestId: text,
        cancel: client,
      });
      expect(output).toMatchObject({ text });
    }
    expect(client.onAbort).toHaveBeenCalledTimes(3);
    expect(listening).toBe(0);
  });
});
