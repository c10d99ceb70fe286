import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import type { WeightsFile } from "./weights-declaration.js";

/**
 * Hashes a file and compares it with a declaration: `ok` when the sha256
 * matches and, if declared, the size too.
 *
 * @example
 * const { ok, sha256 } = await verifyWeightsFile("weights/yolov5n.onnx", weights.model);
 */
export async function verifyWeightsFile(
  path: string,
  file: WeightsFile,
): Promise<{ ok: boolean; sha256: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  const sha256 = hash.digest("hex");
  const ok =
    sha256 === file.sha256.toLowerCase() && (file.size === undefined || size === file.size);
  return { ok, sha256, size };
}
