// A predictor for the core's own tests: echoes its input and can be told to
// sleep, burn CPU, throw, or kill its worker thread, and records metrics of
// its own (servekit_predictor_fixture_*) through ctx.metrics.
import { createHash } from "node:crypto";
import { definePredictor, image, ServeError, z } from "../index.js";

const Behaviour = z.enum(["ok", "throw", "client-error", "crash", "bad-output", "ignore-abort"]);

export const fixturePredictor = definePredictor({
  name: "fixture",
  version: "1.2.3",
  description: "Echoes its input; used by servekit's tests.",
  input: z.object({
    text: z.string().max(100).default("hello").describe("Text to echo"),
    count: z.number().int().min(0).max(10).default(1).describe("How many times to repeat it"),
    mode: Behaviour.default("ok").describe("What the predictor should do"),
    sleep_ms: z.number().min(0).max(60_000).default(0).describe("Wait this long (honouring abort)"),
    busy_ms: z
      .number()
      .min(0)
      .max(10_000)
      .default(0)
      .describe("Burn CPU this long, blocking its thread"),
    image: image({ description: "Optional image, hashed" }).optional(),
    tally: z
      .boolean()
      .default(false)
      .describe("Count this prediction in the predictor's own metrics (ctx.metrics)"),
  }),
  output: z.object({
    text: z.string(),
    image: z
      .object({ sha256: z.string(), width: z.number(), height: z.number(), media_type: z.string() })
      .optional(),
    worker: z.number(),
    aborted: z.boolean(),
  }),
  examples: [{ text: "hi", count: 2 }],
  async setup(ctx) {
    ctx.log.info("fixture setup running");
    ctx.metrics.increment("fixture_setups_total");
    if (process.env.FIXTURE_SETUP_FAIL === "1")
      throw new Error("weights not found: /nowhere/model.onnx");
    const delay = Number(process.env.FIXTURE_SETUP_MS ?? 0);
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    return { worker: ctx.workerIndex };
  },
  async predict(input, ctx) {
    ctx.log.info(`predicting ${input.mode}`);
    if (input.tally) {
      ctx.metrics.increment("fixture_tallies_total", 1, { mode: input.mode });
      ctx.metrics.observe("fixture_text_length", input.text.length);
    }
    if (input.busy_ms > 0) {
      const end = performance.now() + input.busy_ms;
      while (performance.now() < end) {
        // Spin: a stand-in for a CPU-bound model run that blocks its thread.
      }
    }
    if (input.sleep_ms > 0 || input.mode === "ignore-abort") {
      await sleep(input.sleep_ms, input.mode === "ignore-abort" ? undefined : ctx.signal);
    }
    switch (input.mode) {
      case "throw":
        throw new Error("model exploded at /secret/path/model.py:42");
      case "client-error":
        throw new ServeError("INVALID_INPUT", "`text` must not be 'forbidden'", {
          details: [{ path: ["text"], message: "must not be 'forbidden'" }],
        });
      case "crash":
        process.exit(3);
        break;
      case "bad-output":
        return { text: 42 } as unknown as { text: string; worker: number; aborted: boolean };
      case "ok":
      case "ignore-abort":
        break;
      default: {
        const never: never = input.mode;
        throw new Error(`unknown mode ${never}`);
      }
    }
    return {
      text: input.text.repeat(input.count),
      worker: ctx.state.worker,
      aborted: ctx.signal.aborted,
      ...(input.image
        ? {
            image: {
              sha256: createHash("sha256").update(input.image.data).digest("hex"),
              width: input.image.width,
              height: input.image.height,
              media_type: input.image.mediaType,
            },
          }
        : {}),
    };
  },
});

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
