import { ServekitError } from "./errors.js";
import type { Transport } from "./transport.js";

type JsonSchema = {
  $ref?: string;
  properties?: Record<string, JsonSchema>;
  contentEncoding?: string;
  format?: string;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
};
type OpenApiDocument = {
  paths?: Record<
    string,
    { post?: { requestBody?: { content?: Record<string, { schema?: JsonSchema }> } } }
  >;
  components?: { schemas?: Record<string, JsonSchema> };
};

/**
 * Which input fields are files (`file()`, `image()`), read once from the
 * server's `/openapi.json`. Only needed to tell a file path from an ordinary
 * string in Node.js; bytes and Blobs are recognised by their type.
 */
export class FileFieldLookup {
  private document: Promise<OpenApiDocument | undefined> | undefined;

  constructor(private readonly transport: Transport) {}

  /**
   * The file fields of the input taken at `predictPath`, e.g. `/predict` or
   * `/models/yolov5/versions/fp16/predict`; none when the document cannot be read.
   *
   * @example
   * const fields = await lookup.fileFields("/predict"); // Set { "image" }
   */
  async fileFields(predictPath: string): Promise<Set<string>> {
    this.document ??= this.load();
    const document = await this.document;
    if (!document) return new Set();
    // A single-model server lists only `/predict`, the route of its one model.
    const schema = requestSchema(document, predictPath) ?? requestSchema(document, "/predict");
    const input = resolve(document, schema);
    const fields = new Set<string>();
    for (const [name, property] of Object.entries(input?.properties ?? {})) {
      if (isFileSchema(document, property)) fields.add(name);
    }
    return fields;
  }

  private async load(): Promise<OpenApiDocument | undefined> {
    try {
      const response = await this.transport.send({
        method: "GET",
        path: "/openapi.json",
        retry: "safe",
        signal: undefined,
      });
      return (await response.json()) as OpenApiDocument;
    } catch (error) {
      // Without the document, strings are sent as they are (base64 or data: URLs still work).
      // A server that answered (401, 404) is not asked again; one that could not be reached is.
      if (!(error instanceof ServekitError)) this.document = undefined;
      return undefined;
    }
  }
}

function requestSchema(document: OpenApiDocument, path: string): JsonSchema | undefined {
  const content = document.paths?.[path]?.post?.requestBody?.content;
  return content?.["application/json"]?.schema;
}

function resolve(
  document: OpenApiDocument,
  schema: JsonSchema | undefined,
): JsonSchema | undefined {
  const ref = schema?.$ref;
  if (!ref?.startsWith("#/components/schemas/")) return schema;
  return document.components?.schemas?.[ref.slice("#/components/schemas/".length)];
}

function isFileSchema(document: OpenApiDocument, schema: JsonSchema | undefined): boolean {
  const resolved = resolve(document, schema);
  if (!resolved) return false;
  if (resolved.contentEncoding === "base64" || resolved.format === "binary") return true;
  return [...(resolved.anyOf ?? []), ...(resolved.oneOf ?? [])].some((s) =>
    isFileSchema(document, s),
  );
}
