import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Hono } from "hono";

const ASSETS: Record<string, string> = {
  "app.js": "text/javascript; charset=utf-8",
  "app.css": "text/css; charset=utf-8",
};

function uiDistDir(): string {
  return join(dirname(createRequire(import.meta.url).resolve("@servekit/ui/package.json")), "dist");
}

function page(title: string, apiUrl: string): string {
  const config = JSON.stringify({ apiUrl }).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="stylesheet" href="/ui/app.css">
</head>
<body>
<script>window.__SERVEKIT_UI__ = ${config};</script>
<script src="/ui/app.js"></script>
</body>
</html>`;
}

/** Options of {@link uiRoutes}. */
export interface UiRoutesOptions {
  /** Backend the UI talks to: "" for the same origin, or e.g. "http://api:8000". @default "" */
  apiUrl?: string;
  /** Page title until the API description has loaded. @default "servekit" */
  title?: string;
}

/**
 * The playground UI (`GET /ui` and its assets), served from the bundled
 * @servekit/ui build: no CDN. Mounted by `createApp`, or served alone by
 * `serve-cli ui --url` against a remote backend.
 *
 * @example
 * const ui = uiRoutes({ apiUrl: "http://127.0.0.1:8000" });
 */
export function uiRoutes(options: UiRoutesOptions = {}): Hono {
  const html = page((options.title ?? "servekit").replace(/[<>&"]/g, ""), options.apiUrl ?? "");
  const app = new Hono();
  app.get("/ui", (c) => c.html(html));
  app.get("/ui/", (c) => c.html(html));
  app.get("/ui/:asset", async (c) => {
    const type = ASSETS[c.req.param("asset")];
    if (!type) return c.notFound();
    const body = await readFile(join(uiDistDir(), c.req.param("asset")));
    c.header("Cache-Control", "no-cache");
    return c.body(body, 200, { "Content-Type": type });
  });
  return app;
}
