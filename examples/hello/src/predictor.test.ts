import { testPredictor } from "@servekit/core/testing";
import { describe, expect, it } from "vitest";
import { predictor } from "./predictor.js";

describe("hello predictor", () => {
  it("greets in the requested language with the requested excitement", async () => {
    const tester = await testPredictor(predictor);
    expect(await tester.predict({ name: "Ada", excitement: 2, language: "fr" })).toEqual({
      greeting: "Bonjour, Ada!!",
    });
    expect(await tester.predict({ name: "Bob" })).toEqual({ greeting: "Hello, Bob!" });
    await tester.close();
  });

  it("rejects an empty name, naming the field", async () => {
    const tester = await testPredictor(predictor);
    await expect(tester.predict({ name: "" })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      details: [{ path: ["name"] }],
    });
    await tester.close();
  });
});
