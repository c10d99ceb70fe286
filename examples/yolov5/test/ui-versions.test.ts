import { definePredictor, type RunningServer, serve, z } from "@servekit/core";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, runBrowser } from "./chromium.js";

const Greeting = z.object({ greeting: z.string() });

// Two versions of one model whose inputs differ (2.0.0 adds `shout`), and a second model.
const greeterV1 = definePredictor({
  name: "greeter",
  version: "1.0.0",
  description: "Says hello.",
  input: z.object({ name: z.string().default("world").describe("Who to greet") }),
  output: Greeting,
  predict: ({ name }) => ({ greeting: `hello ${name}` }),
});
const greeterV2 = definePredictor({
  name: "greeter",
  version: "2.0.0",
  description: "Says hello, louder if asked.",
  input: z.object({
    name: z.string().default("world").describe("Who to greet"),
    shout: z.boolean().default(false).describe("Upper-case the greeting"),
  }),
  output: Greeting,
  predict: ({ name, shout }) => {
    const greeting = `hello ${name}`;
    return { greeting: shout ? greeting.toUpperCase() : greeting };
  },
});
const echo = definePredictor({
  name: "echo",
  version: "0.1.0",
  input: z.object({ text: z.string().min(1) }),
  output: z.object({ text: z.string() }),
  predict: ({ text }) => ({ text }),
});

describe.runIf(runBrowser)("the /ui model and version picker, in Chromium", () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const violations: string[] = [];

  const optionTexts = (select: string) => page.locator(`${select} option`).allTextContents();
  const run = async () => {
    await page.getByRole("button", { name: "Run prediction" }).click();
    await page.locator("[data-testid=answered-version]").waitFor();
    return {
      answered: await page.locator("[data-testid=answered-version]").textContent(),
      output: await page.locator(".json-output pre").textContent(),
    };
  };

  beforeAll(async () => {
    server = await serve([greeterV1, greeterV2, echo], {
      host: "127.0.0.1",
      port: 0,
      logLevel: "silent",
      handleSignals: false,
      traffic: { greeter: { weights: { "1.0.0": 100, "2.0.0": 0 } } },
    });
    await server.ready;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    await page.goto(`${server.url}/ui`);
    await page.locator("#pick-version").waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("offers every model and, for the default one, auto then each version with its status and share", async () => {
    expect(await optionTexts("#pick-model")).toEqual(["greeter (default)", "echo"]);
    expect(await page.locator("#pick-model").inputValue()).toBe("greeter");
    expect(await optionTexts("#pick-version")).toEqual([
      "auto (traffic policy)",
      "1.0.0 · ready · 100%",
      "2.0.0 · ready · 0%",
    ]);
    expect(await page.locator("#pick-version").inputValue()).toBe("");
    await page.locator("#field-name").waitFor();
    expect(await page.locator("#field-shout").count()).toBe(0);
  });

  it("builds the form from the picked version's schema and shows that version answered", async () => {
    await page.locator("#field-name").fill("ada");
    await page.locator("#pick-version").selectOption("2.0.0");
    await page.locator("#field-shout").waitFor();
    // What was typed carries over to the new version's form.
    expect(await page.locator("#field-name").inputValue()).toBe("ada");
    await page.locator("#field-shout").check();
    const { answered, output } = await run();
    expect(answered).toBe("Answered by greeter 2.0.0");
    expect(JSON.parse(output!)).toEqual({ greeting: "HELLO ADA" });
  });

  it("lets the traffic policy choose under auto, and shows which version it chose", async () => {
    await page.locator("#pick-version").selectOption("");
    await expect.poll(() => page.locator("#field-shout").count()).toBe(0);
    const { answered, output } = await run();
    expect(answered).toBe("Answered by greeter 1.0.0");
    expect(JSON.parse(output!)).toEqual({ greeting: "hello ada" });
  });

  it("switches to another model, its versions and its form", async () => {
    await page.locator("#pick-model").selectOption("echo");
    expect(await optionTexts("#pick-version")).toEqual([
      "auto (traffic policy)",
      "0.1.0 · ready · 100%",
    ]);
    await page.locator("#field-text").fill("ping");
    const { answered, output } = await run();
    expect(answered).toBe("Answered by echo 0.1.0");
    expect(JSON.parse(output!)).toEqual({ text: "ping" });
  });

  it("runs under its Content-Security-Policy without a single violation", () => {
    expect(violations).toEqual([]);
  });
});
