import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { InputJsonSchema } from "@servekit/core";
import { CliError, usageError } from "../cli-error.js";
import {
  checkRequiredInputs,
  fieldsFromJsonSchema,
  inputToJson,
  parseInputArgs,
} from "../input-args.js";

/** One request, encoded once and sent as-is by every virtual user. */
export interface RequestTemplate {
  /** The server's base URL, e.g. http://127.0.0.1:8000 (no trailing slash). */
  baseUrl: string;
  /** e.g. /predict or /models/yolov5/predict. */
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface RequestSpec {
  /** `-i key=value` and `-i image=@file` pairs, as in `serve-cli predict`. */
  inputs: string[];
  /** A JSON file sent as the body as-is (instead of `inputs`). */
  bodyFile?: string | undefined;
  /** @default "/predict" */
  path?: string | undefined;
  /** Extra headers, lowercase names. */
  headers?: Record<string, string> | undefined;
  /** Sent as `Authorization: Bearer <key>`. */
  apiKey?: string | undefined;
  cwd?: string | undefined;
}

/**
 * Builds the request a benchmark repeats: `-i` pairs are checked against
 * the `Input` schema the server documents for `path` (its `/openapi.json`),
 * as `serve-cli predict --url` does; `bodyFile` is sent unchanged.
 *
 * @example
 * const template = await buildRequestTemplate("http://127.0.0.1:8000", { inputs: ["text=hi"] });
 */
export async function buildRequestTemplate(
  baseUrl: string,
  spec: RequestSpec,
): Promise<RequestTemplate> {
  const path = spec.path ?? "/predict";
  const headers: Record<string, string> = {
    "content-type": "application/json",
    ...(spec.apiKey ? { authorization: `Bearer ${spec.apiKey}` } : {}),
    ...spec.headers,
  };
  if (spec.bodyFile !== undefined) {
    if (spec.inputs.length > 0) throw usageError("give either -i inputs or --body, not both");
    const file = resolve(spec.cwd ?? process.cwd(), spec.bodyFile);
    const body = await readFile(file).catch(() => {
      throw usageError(`cannot read --body ${file}`);
    });
    try {
      JSON.parse(body.toString("utf8"));
    } catch {
      throw usageError(`--body ${file} is not JSON; the body must be the input object as JSON`);
    }
    return { baseUrl, path, headers, body };
  }
  const schema = await inputSchemaFor(baseUrl, path, headers);
  const fields = fieldsFromJsonSchema(schema);
  const input = await parseInputArgs(spec.inputs, fields, spec.cwd);
  checkRequiredInputs(input, fields);
  return { baseUrl, path, headers, body: Buffer.from(inputToJson(input)) };
}

interface OpenApiDocument {
  paths?: Record<
    string,
    { post?: { requestBody?: { content?: Record<string, { schema?: object }> } } }
  >;
  components?: { schemas?: Record<string, object> };
}

/** The JSON schema of `path`'s request body in the server's document (a `$ref` resolved), else `Input`. */
async function inputSchemaFor(
  baseUrl: string,
  path: string,
  headers: Record<string, string>,
): Promise<InputJsonSchema> {
  const url = `${baseUrl}/openapi.json`;
  const auth = headers.authorization ? { authorization: headers.authorization } : undefined;
  const res = await fetch(url, auth ? { headers: auth } : {}).catch((error: unknown) => {
    throw new CliError(
      `cannot reach ${url}: ${(error as Error).cause ?? error}; is the server running?`,
    );
  });
  if (!res.ok)
    throw new CliError(
      `${url} answered ${res.status}; to benchmark without it, send a JSON body with --body file.json${res.status === 401 ? ", or pass --api-key" : ""}`,
    );
  const doc = (await res.json()) as OpenApiDocument;
  const schemas = doc.components?.schemas ?? {};
  const documented = doc.paths?.[path]?.post?.requestBody?.content?.["application/json"]?.schema;
  const ref = (documented as { $ref?: string } | undefined)?.$ref;
  const schema = ref
    ? schemas[ref.replace("#/components/schemas/", "")]
    : (documented ?? schemas.Input);
  if (!schema)
    throw usageError(
      `${url} documents no JSON input for POST ${path}; check --path, or send a body with --body file.json`,
    );
  return schema as InputJsonSchema;
}
