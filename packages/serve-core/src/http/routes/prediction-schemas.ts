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

const cache = new WeakMap<AnyPredictor, Map<string, PredictionSchemas>>();

/**
 * Where a prediction route is documented: its path, and the suffix of its
 * components' names (`Input_yolov5_fp16`), so several models' schemas can
 * share one document. The default: `/predict` and friends, `Input`, `Output`.
 */
export interface RoutePlace {
  /** Prefix before `/predict`, `/predictions`…, e.g. `/models/yolov5/versions/fp16`. */
  prefix: string;
  suffix: string;
}

export const DEFAULT_PLACE: RoutePlace = { prefix: "", suffix: "" };

/** A component-name suffix for a model-version: `_yolov5_fp16`. */
export function componentSuffix(name: string, version?: string): string {
  return `_${[name, version].filter(Boolean).join("_")}`.replaceAll(/[^A-Za-z0-9._-]/g, "_");
}

/** The predictor's schemas as named OpenAPI components (`Input<suffix>`, `Output<suffix>`), built once each. */
export function predictionSchemas(predictor: AnyPredictor, suffix = ""): PredictionSchemas {
  const bySuffix = cache.get(predictor) ?? new Map();
  cache.set(predictor, bySuffix);
  const cached = bySuffix.get(suffix);
  if (cached) return cached;
  const input = (predictor.input as z.ZodType & { openapi: (name: string) => z.ZodType }).openapi(
    `Input${suffix}`,
  );
  const output = (predictor.output as z.ZodType & { openapi: (name: string) => z.ZodType }).openapi(
    `Output${suffix}`,
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
  bySuffix.set(suffix, schemas);
  return schemas;
}
