import { getEventListeners } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixturePredictor } from "../test-support/fixture-predictor.js";
import { ModelRuntime } from "./model-runtime.js";

// A client's signal lives as long as its connection, which keep-alive reuses
// for request after request: a listener left on it per prediction would keep
// every finished job reachable.
describe("ModelRuntime abort listeners", () => {
  let service: ModelRuntime;
  beforeAll(async () => {
    service = new ModelRuntime(fixturePredictor, { workers: 0, logLevel: "silent" });
    await service.ready;
  });
  afterAll(() => service.close());

  const input = (mode: string) => ({
    text: "x",
    count: 1,
    mode,
    sleep_ms: 0,
    busy_ms: 0,
    tally: false,
  });

  it("leaves no listener on the client's signal once a prediction has ended", async () => {
    const client = new AbortController();
    for (const mode of ["ok", "ok", "throw"]) {
      await service
        .predict(input(mode), { requestId: `r-${mode}`, signal: client.signal })
        .catch(() => {});
    }
    expect(getEventListeners(client.signal, "abort")).toEqual([]);
  });

  it("still aborts a running prediction when the client goes away", async () => {
    const client = new AbortController();
    const running = service.predict(
      { ...input("ok"), sleep_ms: 5_000 },
      { requestId: "r-gone", signal: client.signal },
    );
    setTimeout(() => client.abort(), 20);
    await expect(running).rejects.toMatchObject({ name: "ClientClosedError" });
    expect(getEventListeners(client.signal, "abort")).toEqual([]);
  });
});
