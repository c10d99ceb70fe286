import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixturePredictor } from "../../test-support/fixture-predictor.js";
import { createApp, type ServekitApp } from "../app.js";

describe("requestIdMiddleware", () => {
  let app: ServekitApp;

  beforeAll(async () => {
    app = createApp(fixturePredictor, { logLevel: "silent", predictTimeoutMs: 500 });
    await app.lifecycle.ready;
  });
  afterAll(() => app.lifecycle.close());

  it("echoes the client's X-Request-Id, or makes one", async () => {
    const given = await app.request("/health", { headers: { "x-request-id": "abc-123" } });
    expect(given.headers.get("x-request-id")).toBe("abc-123");
    const made = await app.request("/health");
    expect(made.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});
