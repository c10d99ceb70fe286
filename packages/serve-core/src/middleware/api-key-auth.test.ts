import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { createLogger } from "../logger.js";
import { apiKeyAuth } from "./api-key-auth.js";
import { errorHandler } from "./error-handler.js";
import { rateLimit } from "./rate-limit.js";

function appWith(...middleware: Parameters<Hono["use"]>[1][]) {
  const app = new Hono();
  for (const m of middleware) app.use(m);
  app.onError(errorHandler(createLogger({ level: "silent" })));
  app.post("/predict", (c) => c.json({ ok: true }));
  app.get("/health", (c) => c.json({ status: "READY" }));
  return app;
}

describe("apiKeyAuth", () => {
  const app = appWith(apiKeyAuth({ keys: ["k-one", "k-two"], publicPaths: ["/health"] }));

  it("accepts any configured key as Bearer or X-API-Key", async () => {
    expect(
      (
        await app.request("/predict", {
          method: "POST",
          headers: { authorization: "Bearer k-two" },
        })
      ).status,
    ).toBe(200);
    expect(
      (await app.request("/predict", { method: "POST", headers: { "x-api-key": "k-one" } })).status,
    ).toBe(200);
  });

  it("answers 401 with a JSON error and WWW-Authenticate for a missing or wrong key", async () => {
    const missing = await app.request("/predict", { method: "POST" });
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toContain("Bearer");
    expect((await missing.json()).error).toMatchObject({
      code: "UNAUTHORIZED",
      message: expect.stringContaining("X-API-Key"),
    });
    const wrong = await app.request("/predict", {
      method: "POST",
      headers: { authorization: "Bearer k-on" },
    });
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).error.message).toBe("the API key is not valid");
  });

  it("leaves public paths (health probes) open", async () => {
    expect((await app.request("/health")).status).toBe(200);
  });
});

describe("rateLimit", () => {
  it("allows a burst, then answers 429 with Retry-After, per client", async () => {
    const app = appWith(rateLimit({ requestsPerMinute: 60, burst: 3, exemptPaths: ["/health"] }));
    const send = (key: string) =>
      app.request("/predict", { method: "POST", headers: { "x-api-key": key } });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await send("a")).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await send("a");
    expect(limited.headers.get("retry-after")).toBe("1");
    expect((await limited.json()).error.code).toBe("RATE_LIMITED");
    expect((await send("b")).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await app.request("/health")).status).toBe(200);
  });
});
