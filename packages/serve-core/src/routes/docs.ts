import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { RouteDeps } from "./route-deps.js";

const ASSETS: Record<string, string> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
};

function swaggerUiDir(): string {
  return dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
}

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
<script>window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#docs", deepLinking: true, tryItOutEnabled: true });</script>
</body>
</html>`;
}

/** `GET /docs`: Swagger UI served from the app itself (no CDN), reading `/openapi.json`. */
export function registerDocsRoutes({ app, predictor }: RouteDeps): void {
  const html = page(predictor.name.replace(/[<>&"]/g, ""));
  app.get("/docs", (c) => c.html(html));
  app.get("/docs/:asset", async (c) => {
    const asset = c.req.param("asset");
    const type = ASSETS[asset];
    if (!type) return c.notFound();
    const body = await readFile(join(swaggerUiDir(), asset));
    c.header("Cache-Control", "public, max-age=86400");
    return c.body(body, 200, { "Content-Type": type });
  });
}
