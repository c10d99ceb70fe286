import { createRoute, OpenAPIHono, type RouteConfig, z } from "@hono/zod-openapi";
import type { ServeOptions } from "../../options.js";
import type { AnyPredictor } from "../../predictor.js";
import { cancelPredictionRoute } from "./cancel-prediction.js";
import { getPredictionRoute } from "./get-prediction.js";
import { healthRoute, liveRoute, readyRoute } from "./health.js";
import { metricsRoute } from "./metrics.js";
import { predictRoute } from "./predict.js";
import { predictionsRoute } from "./predictions.js";
import { putPredictionRoute } from "./put-prediction.js";
import { rootRoute } from "./root.js";
import type { RouteDeps } from "./route-deps.js";

/** The OpenAPI definition of `GET /openapi.json`. */
const openApiRoute = createRoute({
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

/** `GET /openapi.json`, built once on first request. */
export function registerOpenApiRoute({ app, predictor, options }: RouteDeps): void {
  let document: OpenApiDocument | undefined;
  app.get(openApiRoute.path, (c) => {
    document ??= openApiDocument(predictor, options);
    return c.json(document);
  });
}

/** An OpenAPI 3.1 document as a plain JSON object. */
export type OpenApiDocument = {
  openapi: string;
  info: { title: string; version: string };
} & Record<string, unknown>;

/**
 * The definitions of every documented route a server with these options
 * serves, in the order the app registers them.
 */
export function documentedRoutes(
  predictor: AnyPredictor,
  options: Pick<ServeOptions, "metrics"> = {},
): RouteConfig[] {
  return [
    rootRoute,
    healthRoute,
    liveRoute,
    readyRoute,
    predictRoute(predictor),
    predictionsRoute(predictor),
    getPredictionRoute(predictor),
    putPredictionRoute(predictor),
    cancelPredictionRoute(predictor),
    openApiRoute,
    ...(options.metrics === false ? [] : [metricsRoute]),
  ];
}

/**
 * The OpenAPI 3.1 document a predictor is served with, generated from its
 * schemas. Pure: no app, no setup, no server — a client generator or a
 * build step can call it on a predictor whose weights are not even present.
 *
 * @example
 * const document = openApiDocument(predictor, { metrics: false });
 * await writeFile("openapi.json", JSON.stringify(document, null, 2));
 */
export function openApiDocument(
  predictor: AnyPredictor,
  options: Pick<ServeOptions, "metrics"> = {},
): OpenApiDocument {
  // Only the registry and generator of OpenAPIHono are used: nothing is served.
  const builder = new OpenAPIHono();
  for (const route of documentedRoutes(predictor, options)) {
    builder.openAPIRegistry.registerPath(route);
  }
  const document = builder.getOpenAPI31Document({
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
