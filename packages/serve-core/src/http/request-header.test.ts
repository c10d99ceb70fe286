import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestHeader } from "./request-header.js";

const NAMES = [
  "x-request-id",
  "x-model-version",
  "x-repeated",
  "content-type",
  "x-absent",
  "x-empty",
];

/** Each name's value both ways: from Node's parsed headers and from the web request. */
function bothWays() {
  const app = new Hono();
  app.post("/", (c) => {
    const fast = NAMES.map((name) => requestHeader(c, name) ?? null);
    const web = NAMES.map((name) => c.req.header(name) ?? null);
    return c.json({ fast, web });
  });
  return app;
}

describe("requestHeader", () => {
  let server: ReturnType<typeof serve>;
  let port: number;
  beforeAll(async () => {
    server = serve({ fetch: bothWays().fetch, port: 0, hostname: "127.0.0.1" });
    await new Promise((resolve) => server.once("listening", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it("reads what c.req.header reads over a real socket, repeated and mixed-case headers included", async () => {
    // As an array, the headers go out as given: repeated, in their own case, and no Host unless named.
    const raw = [
      ["Host", `127.0.0.1:${port}`],
      ["X-Request-Id", "abc-123"],
      ["x-model-version", "2.0.0"],
      ["X-Repeated", "one"],
      ["x-repeated", "two"],
      ["Content-Type", "application/json"],
      ["X-Empty", ""],
    ].flat();
    const body = await new Promise<string>((resolve, reject) => {
      const req = httpRequest({ host: "127.0.0.1", port, method: "POST", path: "/", headers: raw });
      req.on("response", (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => (text += chunk));
        res.on("end", () => resolve(text));
      });
      req.on("error", reject);
      req.end("{}");
    });
    const { fast, web } = JSON.parse(body) as { fast: unknown[]; web: unknown[] };
    expect(fast).toEqual(["abc-123", "2.0.0", "one, two", "application/json", null, ""]);
    expect(fast).toEqual(web);
  });

  it("asks the web request where there is no Node request (app.request)", async () => {
    const res = await bothWays().request("/", {
      method: "POST",
      headers: { "x-request-id": "r-1", "content-type": "application/json" },
      body: "{}",
    });
    const { fast, web } = (await res.json()) as { fast: unknown[]; web: unknown[] };
    expect(fast).toEqual(["r-1", null, null, "application/json", null, null]);
    expect(fast).toEqual(web);
  });
});
