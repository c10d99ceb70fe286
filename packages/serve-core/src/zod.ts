import { extendZodWithOpenApi } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";

// The `z` that predictors import from @servekit/core: zod's own, with
// `.openapi()` added (the same extension @hono/zod-openapi applies, to the
// same zod). Taken from here rather than from @hono/zod-openapi so that
// defining a predictor does not load Hono: pool workers never serve HTTP.
extendZodWithOpenApi(z);

export { z };
