import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import type { RunningServer } from "@servekit/core";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { predictor as hello } from "../../../examples/hello/src/predictor.js";
import { fileInfo, startServer, words } from "./test-support/servers.js";

// Debian's chromium, as the YOLOv5 UI tests use it; CI always runs this suite.
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const runBrowser = existsSync(CHROMIUM) || Boolean(process.env.CI);
if (!runBrowser) console.warn(`skipping the browser test: ${CHROMIUM} not found`);

// The published bundle itself, as a browser loads it (`pnpm build` makes it).
const BUNDLE = fileURLToPath(new URL("../dist/index.js", import.meta.url));

describe.runIf(runBrowser)("the client in Chromium, from another origin", () => {
  let server: RunningServer;
  let page: { close(): Promise<void>; url: string };
  let browser: Browser;
  beforeAll(async () => {
    if (!existsSync(BUNDLE)) {
      throw new Error(`${BUNDLE} is missing: run \`pnpm --filter @servekit/client build\` first`);
    }
    server = await startServer([hello, fileInfo, words], { cors: true });
    // The page loads the bundle as a module and hands it to the test on `globalThis.servekit`.
    const html =
      '<!doctype html><meta charset="utf-8"><title>client</title>' +
      '<script type="module">import * as servekit from "/client.js"; window.servekit = servekit;</script>';
    const bundle = await readFile(BUNDLE);
    const pages = createServer((request, response) => {
      const script = request.url === "/client.js";
      response.writeHead(200, { "content-type": script ? "text/javascript" : "text/html" });
      response.end(script ? bundle : html);
    });
    await new Promise<void>((resolve) => pages.listen(0, "127.0.0.1", resolve));
    page = {
      url: `http://127.0.0.1:${(pages.address() as AddressInfo).port}/`,
      close: () => new Promise<void>((resolve) => pages.close(() => resolve())),
    };
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await page?.close();
    await server?.close();
  });

  it("predicts, uploads a File, streams and reads the model version, with no Node.js APIs", async () => {
    const tab = await browser.newPage();
    await tab.goto(page.url);
    await tab.waitForFunction(() => "servekit" in globalThis);
    const result = await tab.evaluate(async (baseUrl) => {
      // biome-ignore lint/suspicious/noExplicitAny: the bundle, untyped inside the page.
      const { createClient, ServekitError } = (globalThis as any).servekit;
      const client = createClient({ baseUrl });
      const answer = await client.predictWithMetadata({ name: "Ada" });
      const upload = new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2])], "a.png", {
        type: "image/png",
      });
      const file = await client.model("file-info").predict({ document: upload, copies: 2 });
      const streamed: string[] = [];
      for await (const item of client.model("words").stream({ text: "one two" })) {
        streamed.push(item.word);
      }
      const error = await client.predict({ name: "" }).catch((e: unknown) => e);
      return {
        greeting: answer.output.greeting,
        version: answer.modelVersion,
        file,
        streamed,
        errorCode: error instanceof ServekitError ? error.code : String(error),
        hasProcess: typeof (globalThis as { process?: unknown }).process !== "undefined",
      };
    }, server.url);
    expect(result).toEqual({
      greeting: "Hello, Ada!",
      version: "1.0.0",
      file: { bytes: 6, mediaType: "image/png", filename: "a.png", label: "", copies: 2 },
      streamed: ["one", "two"],
      errorCode: "INVALID_INPUT",
      hasProcess: false,
    });
  });
});
