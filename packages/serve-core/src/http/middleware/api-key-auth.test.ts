import type { AddressInfo } from "node:net";
import { type ServerType, serve } from "@hono/node-server";
import { Hono } from "hono";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../logger.js";
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
  it("allows a burst, then answers 429 with Retry-After; probes are exempt", async () => {
    const app = appWith(rateLimit({ requestsPerMinute: 60, burst: 3, exemptPaths: ["/health"] }));
    const statuses = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await app.request("/predict", { method: "POST" })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await app.request("/predict", { method: "POST" });
    expect(limited.headers.get("retry-after")).toBe("1");
    expect((await limited.json()).error.code).toBe("RATE_LIMITED");
    for (let i = 0; i < 5; i++) expect((await app.request("/health")).status).toBe(200);
  });
});

describe("rateLimit over a real socket", () => {
  let server: ServerType | undefined;
  afterEach(() => {
    server?.close();
    server = undefined;
  });

  /** Serves `app` on a loopback port; returns a POST /predict sender. */
  async function listen(app: Hono) {
    const listening = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
    });
    server = listening;
    const { port } = listening.address() as AddressInfo;
    return async (headers: Record<string, string> = {}) =>
      (await fetch(`http://127.0.0.1:${port}/predict`, { method: "POST", headers })).status;
  }

  it("with authentication off, counts made-up X-API-Key values against the client's address", async () => {
    const send = await listen(
      appWith(rateLimit({ requestsPerMinute: 60, burst: 3, exemptPaths: ["/health"] })),
    );
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push(await send({ "x-api-key": `made-up-${i}` }));
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
  });

  it("with authentication on, gives each valid key its own bucket and answers bad keys 401 without using one", async () => {
    const send = await listen(
      appWith(
        apiKeyAuth({ keys: ["k-one", "k-two"], publicPaths: ["/health"] }),
        rateLimit({ requestsPerMinute: 60, burst: 2, exemptPaths: ["/health"] }),
      ),
    );
    for (let i = 0; i < 5; i++) expect(await send({ "x-api-key": `wrong-${i}` })).toBe(401);
    const one = [];
    for (let i = 0; i < 3; i++) one.push(await send({ authorization: "Bearer k-one" }));
    expect(one).toEqual([200, 200, 429]);
    const two = [];
    for (let i = 0; i < 3; i++) two.push(await send({ "x-api-key": "k-two" }));
    expect(two).toEqual([200, 200, 429]);
  });
});
