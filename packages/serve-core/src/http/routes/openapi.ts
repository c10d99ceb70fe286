import { createRoute, z } from "@hono/zod-openapi";
import type { RouteDeps } from "./route-deps.js";

/** An OpenAPI 3.1 document as a plain JSON object. */
export type OpenApiDocument = {
  openapi: string;
  info: { title: string; version: string };
} & Record<string, unknown>;

const route = createRoute({
  method: "get",
  path: "/openapi.json",
  summary: "This OpenAPI 3.1 document",
  tags: ["meta"],
  responses: {
    200: {
      description: "OpenAPI 3.1",
      content: { "application/json": { schema: z.object({}).passthrough() } },
    },
  },
});

/**
 * The OpenAPI 3.1 document of an app's routes, generated from the
 * predictor's schemas.
 */
export function openApiDocument({
  app,
  predictor,
}: Pick<RouteDeps, "app" | "predictor">): OpenApiDocument {
  const document = app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: predictor.name,
      version: predictor.version,
      ...(predictor.description ? { description: predictor.description } : {}),
      ...(predictor.ui ? { "x-servekit-ui": predictor.ui } : {}),
    },
    tags: [
      { name: "predictions", description: "Run the model" },
      { name: "health", description: "Probes and setup status" },
      { name: "meta", description: "About this service" },
    ],
  });
  return document as unknown as OpenApiDocument;
}

/** `GET /openapi.json`, built once on first request. */
export function registerOpenApiRoute(deps: RouteDeps): void {
  deps.app.openAPIRegistry.registerPath(route);
  let document: OpenApiDocument | undefined;
  deps.app.get(route.path, (c) => {
    document ??= openApiDocument(deps);
    return c.json(document);
  });
}
