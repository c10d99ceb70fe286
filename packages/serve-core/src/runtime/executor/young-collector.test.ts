import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type ServekitApp } from "../../index.js";
import { bufferPredictor } from "../../test-support/buffer-predictor.js";

describe("a pool worker after a prediction that left large buffers", () => {
  let app: ServekitApp;
  beforeAll(async () => {
    app = createApp(bufferPredictor, { workers: 1, logLevel: "silent" });
    await app.lifecycle.ready;
  });
  afterAll(() => app.lifecycle.close());

  async function predict(mib: number): Promise<number> {
    const response = await app.fetch(
      new Request("http://servekit.test/predict", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ mib }),
      }),
    );
    expect(response.status).toBe(200);
    return (await response.json()).array_buffers_mib_at_start;
  }

  it("frees them before the next prediction, instead of holding each one until V8 next collects", async () => {
    const atStart: number[] = [];
    for (let i = 0; i < 6; i++) atStart.push(await predict(24));
    // Each prediction left 24 MiB behind; a worker that waits for V8 holds
    // several of them (48, 72 MiB…) before anything collects them.
    const held = Math.max(...atStart) - Math.min(...atStart);
    expect(
      held,
      `ArrayBuffer MiB at the start of each prediction: ${atStart.join(", ")}`,
    ).toBeLessThan(40);
  });
});
