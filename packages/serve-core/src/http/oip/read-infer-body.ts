import type { Context } from "hono";
import { z } from "zod";
import { ServeError } from "../../errors.js";
import { nestsDeeperThan } from "../../input/json-depth.js";
import { MAX_JSON_DEPTH } from "../../input/parse-body.js";
import { type BodyLimits, readRequestBody } from "../read-body.js";
import { OipError } from "./oip-error.js";

/** An inference request's body is JSON whatever the schema: no file fields are decoded early. */
const ANY_JSON = z.unknown();

/**
 * Reads an inference request's JSON body within `limits` (413 when larger).
 * A body sent as `application/json` (or without a Content-Type) is read the
 * way every servekit route reads one; `curl -d`'s default
 * `application/x-www-form-urlencoded` and `text/plain` are read as JSON
 * too, as KServe's examples send them. Multipart and the protocol's binary
 * tensor extension (`application/octet-stream`) get 415.
 *
 * @example
 * const body = await readInferBody(c, { maxBytes: 20 * 1024 * 1024 });
 */
export async function readInferBody(c: Context, limits: BodyLimits): Promise<unknown> {
  const contentType = (c.req.header("content-type") ?? "").toLowerCase();
  const mediaType = contentType.split(";")[0]?.trim() ?? "";
  if (mediaType === "" || mediaType === "application/json" || mediaType.endsWith("+json")) {
    return readRequestBody(c, ANY_JSON, limits);
  }
  if (mediaType === "application/x-www-form-urlencoded" || mediaType === "text/plain") {
    return readPlainJson(c, limits.maxBytes);
  }
  throw new OipError(
    415,
    `Content-Type must be application/json, got ${mediaType}; the binary tensor data extension is not supported, send tensors as JSON`,
  );
}

async function readPlainJson(c: Context, maxBytes: number): Promise<unknown> {
  const declared = Number(c.req.header("content-length"));
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const bytes = await c.req.arrayBuffer();
  if (bytes.byteLength > maxBytes) throw tooLarge(maxBytes);
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new OipError(400, `request body is not valid JSON: ${why}`);
  }
  if (nestsDeeperThan(body, MAX_JSON_DEPTH)) {
    throw new OipError(400, `request body nests more than ${MAX_JSON_DEPTH} levels deep`);
  }
  return body;
}

function tooLarge(maxBytes: number): ServeError {
  return new ServeError(
    "PAYLOAD_TOO_LARGE",
    `request body is larger than the limit of ${maxBytes} bytes (maxBodyBytes)`,
  );
}
