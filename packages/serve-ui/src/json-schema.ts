/** The subset of JSON Schema the form understands (what zod emits for predictor inputs). */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  contentEncoding?: string;
  contentMediaType?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
}

/** How a field is edited in the form. */
export type FieldKind =
  | "file"
  | "image"
  | "slider"
  | "number"
  | "integer"
  | "enum"
  | "boolean"
  | "text"
  | "json";

/** Follows a local `$ref` (`#/components/schemas/Input`) inside `root`. */
export function resolveRef(schema: JsonSchema, root: unknown): JsonSchema {
  if (!schema.$ref?.startsWith("#/")) return schema;
  let node: unknown = root;
  for (const part of schema.$ref.slice(2).split("/"))
    node = (node as Record<string, unknown>)?.[part];
  return (node as JsonSchema | undefined) ?? {};
}

/** The parts of an OpenAPI document the UI reads to find an operation's input. */
export interface OpenApiOperations {
  paths?: Record<
    string,
    { post?: { requestBody?: { content?: Record<string, { schema?: JsonSchema }> } } }
  >;
  components?: { schemas?: Record<string, JsonSchema> };
}

/**
 * The input schema of `POST path` (its request body, JSON or multipart, with
 * `$ref`s followed), or undefined when the document has no such operation.
 */
export function requestBodySchema(doc: OpenApiOperations, path: string): JsonSchema | undefined {
  const content = doc.paths?.[path]?.post?.requestBody?.content ?? {};
  const schema = (content["application/json"] ?? content["multipart/form-data"])?.schema;
  return schema ? resolveRef(schema, doc) : undefined;
}

function types(schema: JsonSchema): string[] {
  return [schema.type ?? []].flat();
}

/** Picks the control for a property: file picker, slider, select, checkbox, text or JSON. */
export function fieldKind(schema: JsonSchema): FieldKind {
  if (schema.contentEncoding === "base64") {
    return schema.contentMediaType?.startsWith("image/") ? "image" : "file";
  }
  if (schema.enum?.every((v) => typeof v === "string")) return "enum";
  const t = types(schema);
  if (t.includes("boolean")) return "boolean";
  if (t.includes("integer") || t.includes("number")) {
    if (schema.minimum !== undefined && schema.maximum !== undefined) return "slider";
    return t.includes("integer") ? "integer" : "number";
  }
  if (t.includes("string")) return "text";
  return "json";
}

/**
 * Checks one field's value (as the form holds it) against its schema, the
 * way the server will; returns a message or undefined.
 */
export function validateField(
  schema: JsonSchema,
  value: unknown,
  required: boolean,
): string | undefined {
  const empty = value === undefined || value === "" || value === null;
  if (empty) return required ? "required" : undefined;
  const kind = fieldKind(schema);
  if (kind === "slider" || kind === "number" || kind === "integer") {
    const n = typeof value === "number" ? value : Number(value);
    if (!Number.isFinite(n)) return "must be a number";
    if (types(schema).includes("integer") && !Number.isInteger(n)) return "must be a whole number";
    if (schema.minimum !== undefined && n < schema.minimum) return `must be ≥ ${schema.minimum}`;
    if (schema.maximum !== undefined && n > schema.maximum) return `must be ≤ ${schema.maximum}`;
    if (schema.exclusiveMinimum !== undefined && n <= schema.exclusiveMinimum)
      return `must be > ${schema.exclusiveMinimum}`;
    if (schema.exclusiveMaximum !== undefined && n >= schema.exclusiveMaximum)
      return `must be < ${schema.exclusiveMaximum}`;
  }
  if (kind === "text" && typeof value === "string") {
    if (schema.minLength !== undefined && value.length < schema.minLength)
      return `must be at least ${schema.minLength} characters`;
    if (schema.maxLength !== undefined && value.length > schema.maxLength)
      return `must be at most ${schema.maxLength} characters`;
  }
  if (kind === "json" && typeof value === "string") {
    try {
      JSON.parse(value);
    } catch {
      return 'must be valid JSON, e.g. [1, 2] or ["a"]';
    }
  }
  return undefined;
}
