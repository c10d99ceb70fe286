import type { z } from "zod";
import { type ErrorBody, ServeError } from "../errors.js";
import { createApp, type ServekitApp } from "../http/app.js";
import type { ServeOptions } from "../options.js";
import type { Predictor } from "../predictor.js";
import type { Health } from "../runtime/runtime-types.js";

/** A predictor served in-process for tests, without a socket. */
export interface PredictorTester<Input extends z.ZodType, Output extends z.ZodType> {
  /** The app under test; `app.request(path, init)` sends any request. */
  app: ServekitApp;
  /**
   * Sends `input` to `POST /predict` (bytes in file fields go as base64) and
   * returns the output; throws the server's {@link ServeError} on failure.
   */
  predict(input: TestInput<z.input<Input>>): Promise<z.output<Output>>;
  health(): Health;
  close(): Promise<void>;
}

/** An input where file fields may also be raw bytes. */
export type TestInput<T> = { [K in keyof T]: T[K] | Uint8Array };

/**
 * Serves a predictor in-process, runs its setup, and gives a typed
 * `predict()` that goes through the real HTTP app: validation, output schema
 * check, error mapping. Use it in your own test suite.
 *
 * @example
 * const tester = await testPredictor(predictor);
 * expect(await tester.predict({ text: "hi" })).toEqual({ text: "hi" });
 * await tester.close();
 */
export async function testPredictor<Input extends z.ZodType, Output extends z.ZodType, State>(
  predictor: Predictor<Input, Output, State>,
  options: ServeOptions = {},
): Promise<PredictorTester<Input, Output>> {
  const app = createApp(predictor, { logLevel: "silent", ...options });
  await app.lifecycle.ready;
  const health = app.lifecycle.health();
  if (health.status === "SETUP_FAILED") {
    await app.lifecycle.close();
    throw new Error(
      `setup of predictor "${predictor.name}" failed: ${health.setup.error}\n${health.setup.logs}`,
    );
  }
  return {
    app,
    async predict(input) {
      const res = await app.request("/predict", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(input, bytesAsBase64),
      });
      const body = await res.json();
      if (!res.ok) {
        const { error } = body as ErrorBody;
        throw new ServeError(error.code, error.message, { details: error.details });
      }
      return body as z.output<Output>;
    },
    health: () => app.lifecycle.health(),
    close: () => app.lifecycle.close(),
  };
}

/** JSON replacer sending bytes as base64 (checked before Buffer's own toJSON runs). */
function bytesAsBase64(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const original = this[key];
  return original instanceof Uint8Array ? Buffer.from(original).toString("base64") : value;
}
