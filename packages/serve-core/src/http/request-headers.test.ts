import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { resolveServeOptions } from "../options.js";
import { allowedRequestHeaders } from "./request-headers.js";

describe("requestHeaders", () => {
  it("keeps only the allowed headers, by lower-cased name, whatever case the request used", async () => {
    const { requestHeaders } = resolveServeOptions({ requestHeaders: ["X-Tenant-Id", "x-locale"] });
    expect(requestHeaders).toEqual(["x-tenant-id", "x-locale"]);
    const app = new Hono().get("/", (c) => c.json(allowedRequestHeaders(c, requestHeaders)));
    const response = await app.request("/", {
      headers: { "X-TENANT-ID": "acme", cookie: "session=1", authorization: "Bearer k" },
    });
    expect(await response.json()).toEqual({ "x-tenant-id": "acme" });
  });

  it("refuses a name that is not a header name, saying what would be right", () => {
    expect(() => resolveServeOptions({ requestHeaders: ["x tenant"] })).toThrow(
      /requestHeaders.*a header name, e\.g\. "x-tenant-id"/s,
    );
  });
});
