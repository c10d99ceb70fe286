import { describe, expect, it } from "vitest";
import { fixturePredictor } from "../../test-support/fixture-predictor.js";
import { createApp } from "../app.js";

describe("the /ui playground", () => {
  it("serves the page and its bundled assets from the app, and can be turned off", async () => {
    const app = createApp(fixturePredictor, { logLevel: "silent" });
    const page = await app.request("/ui");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('window.__SERVEKIT_UI__ = {"apiUrl":""}');
    expect(html).not.toMatch(/https?:\/\//);
    const js = await app.request("/ui/app.js");
    expect(js.status).toBe(200);
    expect((await js.text()).length).toBeGreaterThan(1000);
    expect((await app.request("/ui/app.css")).headers.get("content-type")).toContain("text/css");
    expect((await app.request("/ui/secrets.txt")).status).toBe(404);
    await app.lifecycle.close();

    const without = createApp(fixturePredictor, { logLevel: "silent", ui: false });
    expect((await without.request("/ui")).status).toBe(404);
    await without.lifecycle.close();
  });
});
