import { afterAll, describe, expect, it } from "vitest";
import { fixturePredictor } from "../../test-support/fixture-predictor.js";
import { createApp } from "../app.js";
import { uiRoutes } from "../routes/ui.js";
import { scriptHash } from "./page-security-headers.js";

describe("pageSecurityHeaders", () => {
  const app = createApp(fixturePredictor, { logLevel: "silent" });
  afterAll(() => app.lifecycle.close());

  it("sends a Content-Security-Policy, nosniff and no-framing on /ui, /docs and their assets, not on the API", async () => {
    for (const path of ["/ui", "/ui/app.js", "/ui/app.css", "/docs", "/docs/swagger-ui.css"]) {
      const res = await app.request(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(res.headers.get("x-frame-options"), path).toBe("DENY");
      expect(res.headers.get("content-security-policy"), path).toContain("frame-ancestors 'none'");
    }
    expect((await app.request("/openapi.json")).headers.get("content-security-policy")).toBeNull();
  });

  it("allows exactly the page's inline script, by hash, and nothing else inline", async () => {
    const res = await app.request("/ui");
    const html = await res.text();
    const inline = /<script>(.*?)<\/script>/s.exec(html)?.[1] ?? "";
    const policy = res.headers.get("content-security-policy") ?? "";
    expect(policy).toContain(`script-src 'self' ${scriptHash(inline)};`);
    expect(policy).not.toMatch(/script-src[^;]*unsafe/);
  });

  it("lets the UI call whichever backend it is pointed at (standalone, ?api=), and /docs only its own", async () => {
    const ui = uiRoutes({ apiUrl: "http://api.internal:8000" });
    const policy = (await ui.request("/ui")).headers.get("content-security-policy");
    expect(policy).toContain("connect-src 'self' http: https:;");
    const docs = (await app.request("/docs")).headers.get("content-security-policy");
    expect(docs).toContain("connect-src 'self';");
  });
});
