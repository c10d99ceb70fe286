import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type RunningServer, serve } from "@servekit/core";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { predictor } from "../src/predictor.js";
import { launchChromium, runBrowser } from "./chromium.js";
import { sharedImagePath } from "./reference.js";

// The committed screenshot in docs/ is refreshed only on request; otherwise it goes to a temp dir.
const SCRATCH = process.env.SERVEKIT_UPDATE_SCREENSHOTS
  ? undefined
  : mkdtempSync(join(tmpdir(), "servekit-ui-"));
const SCREENSHOT = SCRATCH
  ? join(SCRATCH, "ui-yolov5.png")
  : fileURLToPath(new URL("../../../docs/img/ui-yolov5.png", import.meta.url));

async function boxCount(page: Page): Promise<number> {
  return Number(await page.locator("[data-testid=detections]").getAttribute("data-box-count"));
}

describe.runIf(runBrowser)(
  "the /ui playground with the YOLOv5 detection viewer, in Chromium",
  () => {
    let server: RunningServer;
    let browser: Browser;
    let page: Page;
    // What Chromium refused under the pages' Content-Security-Policy, as it reports it on the console.
    const violations: string[] = [];
    const watchPolicy = (p: Page) =>
      p.on("console", (message) => {
        if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
      });

    beforeAll(async () => {
      server = await serve(predictor, {
        host: "127.0.0.1",
        port: 0,
        logLevel: "silent",
        handleSignals: false,
      });
      await server.ready;
      browser = await launchChromium();
      page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      watchPolicy(page);
      const response = await page.goto(`${server.url}/ui`);
      expect(response?.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
    });
    afterAll(async () => {
      await browser?.close();
      await server?.close();
      if (SCRATCH) rmSync(SCRATCH, { recursive: true, force: true });
    });

    it("builds the form from the input schema, with defaults and a live health indicator", async () => {
      await expect.poll(() => page.title()).toContain("yolov5");
      await page.locator("#field-image").waitFor({ state: "attached" });
      expect(await page.locator("#field-confidence").inputValue()).toBe("0.25");
      expect(await page.locator("#field-iou").inputValue()).toBe("0.45");
      expect(await page.locator("#field-model option").allTextContents()).toEqual([
        "yolov5n",
        "yolov5n-fp16",
      ]);
      await expect.poll(() => page.locator(".health").getAttribute("data-status")).toBe("READY");
      // One model, one version: no model or version picker.
      expect(await page.locator(".model-picker").count()).toBe(0);
    });

    it("uploads bus.jpg and draws labelled boxes over it", async () => {
      await page.locator("#field-image").setInputFiles(sharedImagePath("bus.jpg"));
      await page.getByRole("button", { name: "Run prediction" }).click();
      await page.locator("[data-testid=detections] g.box").first().waitFor();
      expect(await boxCount(page)).toBeGreaterThanOrEqual(4);
      const labels = await page
        .locator("g.box")
        .evaluateAll((boxes) => boxes.map((b) => b.getAttribute("data-label")));
      expect(labels).toEqual(expect.arrayContaining(["person", "bus"]));
      expect(await page.locator("g.box text").first().textContent()).toMatch(/^person 0\.\d\d$/);
      expect(await page.locator(".counts tr[data-class=person] td").last().textContent()).toBe("3");
      await page.locator(".stage-image").evaluate((img: HTMLImageElement) => img.decode());
      await page.locator("[data-testid=detections]").screenshot({ path: SCREENSHOT });
    });

    it("runs under its Content-Security-Policy without a single violation", () => {
      expect(violations).toEqual([]);
    });

    it("serves /docs (Swagger UI) under its Content-Security-Policy, rendering every operation", async () => {
      const docs = await browser.newPage();
      watchPolicy(docs);
      const response = await docs.goto(`${server.url}/docs`);
      expect(response?.headers()).toMatchObject({
        "x-content-type-options": "nosniff",
        "x-frame-options": "DENY",
      });
      expect(response?.headers()["content-security-policy"]).toContain(
        "script-src 'self' 'sha256-",
      );
      await docs.locator(".opblock").first().waitFor();
      await docs.locator(".opblock-summary").first().click();
      await docs.getByRole("button", { name: "Execute" }).first().waitFor();
      expect(violations).toEqual([]);
      await docs.close();
    });

    it("filters boxes live with the confidence slider, without a new request", async () => {
      let requests = 0;
      page.on("request", (request) => {
        if (request.url().endsWith("/predict")) requests++;
      });
      const before = await boxCount(page);
      await page.locator("#filter-confidence").fill("0.7");
      expect(await boxCount(page)).toBeLessThan(before);
      expect(await boxCount(page)).toBe(2);
      expect(requests).toBe(0);
    });

    it("shows an out-of-range number next to its field, and the server's 422 next to the field it names", async () => {
      await page.locator("#field-confidence").fill("1.5");
      await page.getByRole("button", { name: "Run prediction" }).click();
      await expect
        .poll(() => page.locator("#field-confidence-error").textContent())
        .toBe("must be ≤ 1");
      await page.locator("#field-confidence").fill("0.25");
      await page.locator("#field-classes").fill('["dragon"]');
      await page.getByRole("button", { name: "Run prediction" }).click();
      await expect
        .poll(() => page.locator("#field-classes-error").textContent())
        .toMatch(/person|Invalid/);
      expect(await page.locator(".error-box").textContent()).toContain("Rejected (422)");
      await page.locator("#field-classes").fill("");
    });

    it("fits a narrow window without horizontal scrolling", async () => {
      await page.setViewportSize({ width: 390, height: 800 });
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - window.innerWidth,
      );
      expect(overflow).toBeLessThanOrEqual(0);
      await page.setViewportSize({ width: 1280, height: 900 });
    });

    it("turns the health indicator red when the server stops", async () => {
      await server.close();
      await expect
        .poll(() => page.locator(".health").getAttribute("data-status"), { timeout: 15_000 })
        .toBe("DOWN");
      expect(await page.locator(".health").getAttribute("data-tone")).toBe("bad");
    });
  },
);
