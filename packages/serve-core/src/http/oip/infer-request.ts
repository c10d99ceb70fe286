import { z } from "zod";
import { OipError } from "./oip-error.js";
import type { OipParameters, RequestInput } from "./tensor-types.js";

const Parameters = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

/** `$inference_request` as the specification defines it (the REST document's JSON schema). */
const InferRequest = z.object({
  id: z.string().optional(),
  parameters: Parameters.optional(),
  inputs: z.array(
    z.object({
      name: z.string(),
      shape: z.array(z.number().int().min(0)),
      datatype: z.string(),
      parameters: Parameters.optional(),
      data: z.array(z.unknown()),
    }),
  ),
  outputs: z.array(z.object({ name: z.string(), parameters: Parameters.optional() })).optional(),
});

/** A request body that is a well-formed `$inference_request`. */
export interface InferRequest {
  id?: string | undefined;
  parameters?: OipParameters | undefined;
  inputs: RequestInput[];
  outputs?: { name: string; parameters?: OipParameters | undefined }[] | undefined;
}

/**
 * Checks that a parsed body is an `$inference_request`; throws a 400 naming
 * where it is not (e.g. `inputs[0].shape[1]`).
 *
 * @example
 * parseInferRequest({ inputs: [{ name: "x", shape: [1], datatype: "FP64", data: [0.5] }] })
 */
export function parseInferRequest(body: unknown): InferRequest {
  const parsed = InferRequest.safeParse(body);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.slice(0, 5).map((issue) => {
    const where = formatPath(issue.path);
    return where ? `${where}: ${issue.message}` : issue.message;
  });
  throw new OipError(
    400,
    `the body is not an inference request ({"inputs": [{"name", "shape", "datatype", "data"}, ...]}): ${problems.join("; ")}`,
  );
}

function formatPath(path: PropertyKey[]): string {
  return path
    .map((part, i) =>
      typeof part === "number" ? `[${part}]` : `${i > 0 ? "." : ""}${String(part)}`,
    )
    .join("");
}
