import { describe, expect, it } from "vitest";
import { fixturePredictor } from "../../test-support/fixture-predictor.js";
import { createApp } from "../app.js";

describe("crossOrigin (CORS)", () => {
  it("is off by default and answers preflights for the configured origin when on", async () => {
    const closed = createApp(fixturePredictor, { logLevel: "silent" });
    const plain = await closed.request("/health", { headers: { origin: "http://ui.example" } });
    expect(plain.headers.get("access-control-allow-origin")).toBeNull();
    await closed.lifecycle.close();

    const open = createApp(fixturePredictor, {
      logLevel: "silent",
      cors: { origin: "http://ui.example" },
    });
    const preflight = await open.request("/predict", {
      method: "OPTIONS",
      headers: {
        origin: "http://ui.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("http://ui.example");
    await open.lifecycle.close();
  });
});
