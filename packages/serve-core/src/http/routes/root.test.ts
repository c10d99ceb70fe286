import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixturePredictor } from "../../test-support/fixture-predictor.js";
import { createApp, type ServekitApp } from "../app.js";

describe("GET /", () => {
  let app: ServekitApp;

  beforeAll(async () => {
    app = createApp(fixturePredictor, { logLevel: "silent", predictTimeoutMs: 500 });
    await app.lifecycle.ready;
  });
  afterAll(() => app.lifecycle.close());

  it("describes itself at GET /", async () => {
    const res = await app.request("/");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      name: "fixture",
      version: "1.2.3",
      links: { docs: "/docs", openapi: "/openapi.json", health: "/health" },
    });
  });
});
