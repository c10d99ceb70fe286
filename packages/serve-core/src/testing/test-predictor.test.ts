import { describe, expect, it } from "vitest";
import { definePredictor, ServeError, z } from "../index.js";
import { fixturePredictor } from "../test-support/fixture-predictor.js";
import { makePng } from "../test-support/images.js";
import { testPredictor } from "./index.js";

describe("testPredictor", () => {
  it("runs setup and returns typed outputs, with bytes accepted for image fields", async () => {
    const tester = await testPredictor(fixturePredictor);
    const out = await tester.predict({ text: "a", count: 2, image: await makePng(8, 6) });
    expect(out.text).toBe("aa");
    expect(out.image).toMatchObject({ width: 8, height: 6 });
    expect(tester.health().status).toBe("READY");
    await tester.close();
  });

  it("throws the server's ServeError with field details", async () => {
    const tester = await testPredictor(fixturePredictor);
    const error = await tester.predict({ count: 99 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServeError);
    expect((error as ServeError).code).toBe("INVALID_INPUT");
    expect((error as ServeError).details).toEqual([
      { path: ["count"], message: expect.stringContaining("<=10") },
    ]);
    await tester.close();
  });

  it("fails fast with the setup error when setup fails", async () => {
    const broken = definePredictor({
      name: "broken",
      input: z.object({}),
      output: z.object({}),
      setup: () => {
        throw new Error("no weights");
      },
      predict: () => ({}),
    });
    await expect(testPredictor(broken)).rejects.toThrow(
      /setup of predictor "broken" failed: no weights/,
    );
  });
});
