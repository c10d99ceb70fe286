import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixturePredictor } from "../../test-support/fixture-predictor.js";
import { createApp, type ServekitApp } from "../app.js";

describe("bundledAssets, under /docs and /ui", () => {
  let app: ServekitApp;

  beforeAll(async () => {
    app = createApp(fixturePredictor, { logLevel: "silent", predictTimeoutMs: 500 });
    await app.lifecycle.ready;
  });
  afterAll(() => app.lifecycle.close());

  it("answers 404, not 500, for asset names that are properties of every object", async () => {
    for (const path of [
      "/docs/constructor",
      "/docs/toString",
      "/ui/constructor",
      "/ui/__proto__",
    ]) {
      const res = await app.request(path);
      expect(res.status, path).toBe(404);
      expect((await res.json()).error.code).toBe("NOT_FOUND");
    }
  });
});
