import { createRoute, z } from "@hono/zod-openapi";
import { invalidInputError } from "../../input/validation-issues.js";
import { adminAuth } from "../middleware/admin-auth.js";
import { readRequestBody } from "../read-body.js";
import { bodyLimits } from "./body-limits.js";
import { honoPath } from "./hono-path.js";
import { ModelInfoSchema } from "./models.js";
import type { RouteDeps } from "./route-deps.js";
import { errorResponses } from "./schemas.js";

const TrafficChangeBody = z
  .strictObject({
    weights: z.record(z.string(), z.number().min(0)).optional().openapi({
      description: "New relative share per version; versions not named get 0",
    }),
    shadow: z
      .strictObject({ version: z.string(), fraction: z.number().min(0).max(1) })
      .nullable()
      .optional()
      .openapi({
        description: "A candidate that also runs on this fraction of requests; null for none",
      }),
  })
  .openapi("TrafficChange");

const security = [{ adminKey: [] }];

/** The OpenAPI definition of `PUT /admin/models/{name}/traffic`. */
export const setTrafficRoute = createRoute({
  method: "put",
  path: "/admin/models/{name}/traffic",
  summary: "Change a model's traffic policy (weights, shadow) at once, without a restart",
  tags: ["admin"],
  security,
  request: {
    params: z.object({ name: z.string() }),
    body: { required: true, content: { "application/json": { schema: TrafficChangeBody } } },
  },
  responses: {
    200: {
      description: "The model with its new policy",
      content: { "application/json": { schema: ModelInfoSchema } },
    },
    ...errorResponses(400, 401, 403, 404, 422),
  },
});

/** The OpenAPI definition of `DELETE /admin/models/{name}/versions/{version}`. */
export const retireVersionRoute = createRoute({
  method: "delete",
  path: "/admin/models/{name}/versions/{version}",
  summary: "Retire a version: stop routing to it, finish what it runs, close it",
  description:
    "Answers once it has drained. 409 while it still has weight, is the shadow, or is the only version.",
  tags: ["admin"],
  security,
  request: { params: z.object({ name: z.string(), version: z.string() }) },
  responses: {
    200: {
      description: "Retired",
      content: {
        "application/json": {
          schema: z.object({ name: z.string(), version: z.string(), retired: z.literal(true) }),
        },
      },
    },
    ...errorResponses(401, 403, 404, 409),
  },
});

/** The release routes under `/admin`, behind the admin keys. */
export function registerAdminRoutes({ app, models, options, receiving }: RouteDeps): void {
  app.use("/admin/*", adminAuth(options.adminApiKeys));
  const limits = bodyLimits(options, receiving);
  app.put(honoPath(setTrafficRoute.path), async (c) => {
    const name = c.req.param("name");
    const body = TrafficChangeBody.safeParse(await readRequestBody(c, TrafficChangeBody, limits));
    if (!body.success) throw invalidInputError(body.error);
    models.setTraffic(name, body.data);
    return c.json(models.info(name));
  });
  app.delete(honoPath(retireVersionRoute.path), async (c) => {
    const { name, version } = c.req.param();
    await models.retire(name, version);
    return c.json({ name, version, retired: true as const });
  });
}
