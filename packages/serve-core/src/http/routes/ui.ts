import { Hono } from "hono";
import { pageSecurityHeaders } from "../middleware/page-security-headers.js";
import { bundledAssets } from "./bundled-assets.js";

/** The page's one inline script: its config, allowed by hash in the Content-Security-Policy. */
function configScript(apiUrl: string): string {
  return `window.__SERVEKIT_UI__ = ${JSON.stringify({ apiUrl }).replace(/</g, "\\u003c")};`;
}

function page(title: string, script: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="stylesheet" href="/ui/app.css">
</head>
<body>
<script>${script}</script>
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
 * The playground UI (`GET /ui` and its assets), served from the build
 * bundled into this package: no CDN. Mounted by `createApp`, or served alone by
 * `serve-cli ui --url` against a remote backend.
 *
 * @example
 * const ui = uiRoutes({ apiUrl: "http://127.0.0.1:8000" });
 */
export function uiRoutes(options: UiRoutesOptions = {}): Hono {
  const script = configScript(options.apiUrl ?? "");
  const html = page((options.title ?? "servekit").replace(/[<>&"]/g, ""), script);
  const app = new Hono();
  const headers = pageSecurityHeaders({
    inlineScripts: [script],
    // The page calls whichever backend it is pointed at (`?api=`, its Server box).
    connectSources: ["http:", "https:"],
  });
  app.use("/ui", headers);
  app.use("/ui/*", headers);
  app.get("/ui", (c) => c.html(html));
  app.get("/ui/", (c) => c.html(html));
  app.get(
    "/ui/:asset",
    bundledAssets({
      folder: "ui",
      files: { "app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8" },
      // The bundle changes with each servekit release; revalidate rather than cache.
      cacheControl: "no-cache",
    }),
  );
  return app;
}
