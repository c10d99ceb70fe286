import { describe, expect, it } from "vitest";
import { definePredictor, z } from "../../index.js";
import { ModelRuntime } from "../model-runtime.js";

/** Takes any JSON in `meta`, so nothing in the schema bounds its depth. */
const anything = definePredictor({
  name: "anything",
  input: z.object({ meta: z.unknown() }),
  output: z.object({ ok: z.boolean() }),
  setup: () => ({}),
  predict: () => ({ ok: true }),
});

describe("AsyncPredictions.create", () => {
  it("refuses an input it cannot store as JSON before accepting it, leaving nothing stuck starting", async () => {
    const sent: string[] = [];
    const service = new ModelRuntime(
      anything,
      { logLevel: "silent", workers: 0, metrics: false },
      {
        fetch: async (url) => {
          sent.push(String(url));
          return new Response(null, { status: 200 });
        },
      },
    );
    const predictions = service.predictions;
    try {
      // Deeper than JSON.stringify can walk: it can be neither journaled nor sent.
      let meta: Record<string, unknown> = {};
      for (let i = 0; i < 20_000; i++) meta = { a: meta };
      const create = (input: Record<string, unknown>) =>
        predictions.create({
          id: "deep",
          input,
          webhook: "http://127.0.0.1:9/hook",
          collectionUrl: "http://localhost/predictions",
          requestId: "r1",
        });
      await expect(create({ meta })).rejects.toMatchObject({ code: "INVALID_INPUT", status: 422 });
      // Refused before it was accepted: nothing is left "starting", and the id is free.
      expect(predictions.get("deep")).toBeUndefined();
      const { prediction } = await create({ meta: { a: 1 } });
      expect(prediction.status).toBe("starting");
      expect(await predictions.settled("deep")).toMatchObject({
        status: "succeeded",
        output: { ok: true },
      });
    } finally {
      await predictions.close();
      await service.close();
    }
  });
});
