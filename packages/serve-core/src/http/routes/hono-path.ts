/** `/predictions/{id}` → `/predictions/:id` at the type level, so handlers see typed params. */
type HonoPath<P extends string> = P extends `${infer Head}{${infer Name}}${infer Tail}`
  ? `${Head}:${Name}${HonoPath<Tail>}`
  : P;

/**
 * Hono's form of an OpenAPI path: `/predictions/{id}` → `/predictions/:id`,
 * so each route's path is written once, in its `createRoute` definition.
 *
 * @example
 * app.get(honoPath(route.path), (c) => c.text(c.req.param("id")));
 */
export function honoPath<P extends string>(openApiPath: P): HonoPath<P> {
  return openApiPath.replaceAll(/\{([^}]+)\}/g, ":$1") as HonoPath<P>;
}
