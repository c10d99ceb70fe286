/** A JSON Schema (or any part of the document) as plain JSON. */
type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The generated document, reshaped where client generators read it wrong;
 * what it means to a validator stays the same, or becomes right. Pure: it
 * returns a new document.
 *
 * - A nullable reference (`output: Output | null`) comes from the schema
 *   library as `allOf: [$ref, {type: [..., "null"]}]`, which no `null` can
 *   satisfy and which openapi-typescript turns into a type whose fields are
 *   all `never`. It becomes `anyOf: [$ref, {type: "null"}]`.
 * - Request bodies carry their schemas inline rather than as `$ref`s. A field
 *   with a default may be left out of a request, but openapi-typescript
 *   (`defaultNonNullable`, on by default) makes every field with a `default`
 *   required in a *component*; only inline request bodies are read as the
 *   input they are. The components (`Input`, `Input_yolov5_fp16`…) stay, for
 *   readers and for the UI.
 *
 * @example
 * const document = forClientGenerators(generated);
 * document.paths["/predict"].post.requestBody.content["application/json"].schema; // { type: "object", … }
 */
export function forClientGenerators<D extends object>(document: D): D {
  const fixed = nullableRefsAsAnyOf(document) as Json;
  const schemas = (isObject(fixed.components) && fixed.components.schemas) || {};
  const paths = isObject(fixed.paths) ? fixed.paths : {};
  for (const pathItem of Object.values(paths)) {
    if (!isObject(pathItem)) continue;
    for (const operation of Object.values(pathItem)) {
      const content =
        isObject(operation) && isObject(operation.requestBody)
          ? operation.requestBody.content
          : undefined;
      if (!isObject(content)) continue;
      for (const media of Object.values(content)) {
        if (isObject(media) && isObject(media.schema)) {
          media.schema = inlineRefs(media.schema, schemas as Json, []);
        }
      }
    }
  }
  return fixed as D;
}

/** A copy of `node` where every `allOf: [$ref, {type: [..., "null"]}]` reads `anyOf: [$ref, {type: "null"}]`. */
function nullableRefsAsAnyOf(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(nullableRefsAsAnyOf);
  if (!isObject(node)) return node;
  const copy: Json = {};
  for (const [key, value] of Object.entries(node)) copy[key] = nullableRefsAsAnyOf(value);
  const parts = copy.allOf;
  if (!Array.isArray(parts) || parts.length !== 2) return copy;
  const [ref, nullable] = parts as unknown[];
  if (!isObject(ref) || typeof ref.$ref !== "string" || !isObject(nullable)) return copy;
  const { type, ...annotations } = nullable;
  if (!Array.isArray(type) || !type.includes("null")) return copy;
  const { allOf: _replaced, ...rest } = copy;
  return { ...rest, ...annotations, anyOf: [ref, { type: "null" }] };
}

/**
 * A copy of `schema` with local component `$ref`s replaced by the components
 * themselves; a reference back into a component being inlined (a recursive
 * schema) stays a `$ref`.
 */
function inlineRefs(schema: unknown, components: Json, inlining: string[]): unknown {
  if (Array.isArray(schema)) return schema.map((item) => inlineRefs(item, components, inlining));
  if (!isObject(schema)) return schema;
  const ref = schema.$ref;
  const prefix = "#/components/schemas/";
  if (typeof ref === "string" && ref.startsWith(prefix)) {
    const name = ref.slice(prefix.length);
    const target = components[name];
    if (isObject(target) && !inlining.includes(name)) {
      const { $ref: _inlined, ...siblings } = schema;
      const inlined = inlineRefs(target, components, [...inlining, name]) as Json;
      return { ...inlined, ...(inlineRefs(siblings, components, inlining) as Json) };
    }
  }
  const copy: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    copy[key] = inlineRefs(value, components, inlining);
  }
  return copy;
}
