import { createRoute, OpenAPIHono, type RouteConfig, z } from "@hono/zod-openapi";
import type { ServeOptions } from "../../options.js";
import type { AnyPredictor } from "../../predictor.js";
import { retireVersionRoute, setTrafficRoute } from "./admin.js";
import { cancelPredictionRoute } from "./cancel-prediction.js";
import { getPredictionRoute } from "./get-prediction.js";
import { healthRoute, liveRoute, readyRoute } from "./health.js";
import { metricsRoute } from "./metrics.js";
import { getModelRoute, listModelsRoute } from "./models.js";
import { forClientGenerators } from "./openapi-for-generators.js";
import { predictRoute } from "./predict.js";
import { componentSuffix } from "./prediction-schemas.js";
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

/** `GET /openapi.json`, built on first request and again when versions were added or retired. */
export function registerOpenApiRoute({ app, models, options }: RouteDeps): void {
  let document: OpenApiDocument | undefined;
  let builtFor = "";
  app.get(openApiRoute.path, (c) => {
    const predictors = models.runtimes().map((r) => r.predictor);
    const key = predictors.map((p) => `${p.name}@${p.version}`).join(" ");
    if (!document || key !== builtFor) {
      document = openApiDocument(predictors, options);
      builtFor = key;
    }
    return c.json(document);
  });
}

/** An OpenAPI 3.1 document as a plain JSON object. */
export type OpenApiDocument = {
  openapi: string;
  info: { title: string; version: string };
} & Record<string, unknown>;

/** What a document is about: one predictor, or several (the first is the default model). */
export type DocumentedModels = AnyPredictor | readonly AnyPredictor[];

/**
 * The definitions of every documented route a server with these options
 * serves, in the order the app registers them. With several model-versions,
 * each model and each version also gets its own literal paths
 * (`/models/yolov5/predict`, `/models/yolov5/versions/fp16/predict`) with
 * its own schemas.
 */
export function documentedRoutes(
  subject: DocumentedModels,
  options: Pick<ServeOptions, "metrics"> = {},
): RouteConfig[] {
  const predictors = Array.isArray(subject) ? subject : [subject as AnyPredictor];
  const predictor = predictors[0]!;
  return [
    rootRoute,
    healthRoute,
    liveRoute,
    readyRoute,
    listModelsRoute,
    getModelRoute,
    ...(predictors.length > 1 ? perModelRoutes(predictors) : []),
    setTrafficRoute,
    retireVersionRoute,
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
 * Request bodies are inline (see {@link forClientGenerators}), so fields
 * with defaults stay optional in generated clients.
 *
 * @example
 * const document = openApiDocument(predictor, { metrics: false });
 * await writeFile("openapi.json", JSON.stringify(document, null, 2));
 */
export function openApiDocument(
  subject: DocumentedModels,
  options: Pick<ServeOptions, "metrics"> = {},
): OpenApiDocument {
  const predictor = Array.isArray(subject) ? subject[0]! : (subject as AnyPredictor);
  // Only the registry and generator of OpenAPIHono are used: nothing is served.
  const builder = new OpenAPIHono();
  builder.openAPIRegistry.registerComponent("securitySchemes", "adminKey", {
    type: "http",
    scheme: "bearer",
    description: "An admin key (`adminApiKeys`, `SERVEKIT_ADMIN_KEYS`)",
  });
  for (const route of documentedRoutes(subject, options)) {
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
      { name: "models", description: "Models, versions and traffic" },
      { name: "admin", description: "Releases: traffic changes and retiring versions (admin key)" },
      { name: "health", description: "Probes and setup status" },
      { name: "meta", description: "About this service" },
    ],
  });
  // Reshaped where generators (openapi-typescript, openapi-fetch) would read it wrong.
  return forClientGenerators(document) as unknown as OpenApiDocument;
}

/** Each model's routes (its primary = first version's schemas) and each version's, at literal paths. */
function perModelRoutes(predictors: readonly AnyPredictor[]): RouteConfig[] {
  const routes: RouteConfig[] = [];
  const seen = new Set<string>();
  predictors.forEach((p, index) => {
    // The default model's first version keeps the plain `Input`/`Output` names.
    const suffix = index === 0 ? "" : componentSuffix(p.name, p.version);
    if (!seen.has(p.name)) {
      seen.add(p.name);
      const place = { prefix: `/models/${p.name}`, suffix };
      routes.push(predictRoute(p, place), predictionsRoute(p, place));
    }
    routes.push(predictRoute(p, { prefix: `/models/${p.name}/versions/${p.version}`, suffix }));
  });
  return routes;
}
