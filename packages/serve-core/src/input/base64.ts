const EQUALS = 0x3d;

/**
 * Characters decoded per step: a multiple of 4, and few enough that each
 * step's string is a young-generation object. One megabyte string per
 * request would go to V8's old generation and force a full GC of the HTTP
 * thread every few requests.
 */
const DECODE_STEP = 32 * 1024;

/**
 * Decodes base64 (standard or URL-safe) from a string, or from
 * `source[start, end)` of a body's bytes without copying it into a string
 * first; undefined when any character is not base64. Node's decoder skips
 * such characters silently, so they show up as fewer bytes than the length
 * implies: checking that is O(1), where a regular expression over a
 * multi-megabyte string is not.
 *
 * @example
 * decodeBase64("aGk="); // <Buffer 68 69>
 */
export function decodeBase64(
  source: string | Buffer,
  start = 0,
  end = source.length,
): Buffer | undefined {
  const codeAt = (i: number) =>
    typeof source === "string" ? source.charCodeAt(i) : (source[i] ?? 0);
  let unpadded = end - start;
  if (unpadded > 0 && codeAt(end - 1) === EQUALS) unpadded--;
  if (unpadded > 1 && codeAt(end - 2) === EQUALS) unpadded--;
  if (unpadded % 4 === 1) return undefined;
  const data = Buffer.allocUnsafe(Math.floor((unpadded * 3) / 4));
  let written = 0;
  for (let at = start; at < end; at += DECODE_STEP) {
    const stop = Math.min(at + DECODE_STEP, end);
    const text =
      typeof source === "string" ? source.slice(at, stop) : source.toString("latin1", at, stop);
    written += data.write(text, written, "base64");
  }
  // "=" inside the text also shortens the output, so a length match means every character was valid.
  return written === data.length ? data : undefined;
}
