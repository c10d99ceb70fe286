import { pageSecurityHeaders } from "../middleware/page-security-headers.js";
import { bundledAssets } from "./bundled-assets.js";
import type { RouteDeps } from "./route-deps.js";

/** The page's one inline script, allowed by hash in the Content-Security-Policy. */
const INIT_SCRIPT =
  'window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#docs", deepLinking: true, tryItOutEnabled: true });';

function page(title: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} — API docs</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<div id="docs"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script>${INIT_SCRIPT}</script>
</body>
</html>`;
}

/** `GET /docs`: Swagger UI served from the app itself (no CDN), reading `/openapi.json`. */
export function registerDocsRoutes({ app, predictor }: RouteDeps): void {
  const html = page(predictor.name.replace(/[<>&"]/g, ""));
  const headers = pageSecurityHeaders({ inlineScripts: [INIT_SCRIPT] });
  app.use("/docs", headers);
  app.use("/docs/*", headers);
  app.get("/docs", (c) => c.html(html));
  app.get(
    "/docs/:asset",
    bundledAssets({
      folder: "docs",
      files: {
        "swagger-ui.css": "text/css; charset=utf-8",
        "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
      },
      cacheControl: "public, max-age=86400",
    }),
  );
}
