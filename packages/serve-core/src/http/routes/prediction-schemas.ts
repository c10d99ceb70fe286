import type { z } from "@hono/zod-openapi";
import { findFileFields } from "../../input/find-file-fields.js";
import type { AnyPredictor } from "../../predictor.js";

export interface PredictionSchemas {
  input: z.ZodType;
  output: z.ZodType;
  /** OpenAPI request-body content for a body that *is* the input (JSON or multipart). */
  inputContent: Record<
    string,
    {
      schema: z.ZodType;
      encoding?: Record<string, { contentType: string }>;
      examples?: Record<string, { value: unknown }>;
    }
  >;
}

const cache = new WeakMap<AnyPredictor, PredictionSchemas>();

/** The predictor's schemas as named OpenAPI components (`Input`, `Output`), built once. */
export function predictionSchemas(predictor: AnyPredictor): PredictionSchemas {
  const cached = cache.get(predictor);
  if (cached) return cached;
  const input = (predictor.input as z.ZodType & { openapi: (name: string) => z.ZodType }).openapi(
    "Input",
  );
  const output = (predictor.output as z.ZodType & { openapi: (name: string) => z.ZodType }).openapi(
    "Output",
  );
  const fileFields = findFileFields(predictor.input);
  const examples = Object.fromEntries(
    (predictor.examples ?? []).map((value, i) => [`example${i + 1}`, { value }]),
  );
  const json = { schema: input, ...(Object.keys(examples).length > 0 ? { examples } : {}) };
  const inputContent: PredictionSchemas["inputContent"] = { "application/json": json };
  if (fileFields.size > 0) {
    inputContent["multipart/form-data"] = {
      schema: input,
      encoding: Object.fromEntries(
        [...fileFields].map(([key, kind]) => [
          key,
          { contentType: kind === "image" ? "image/*" : "application/octet-stream" },
        ]),
      ),
    };
  }
  const schemas = { input, output, inputContent };
  cache.set(predictor, schemas);
  return schemas;
}
