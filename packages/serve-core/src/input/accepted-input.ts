/**
 * The part of a request's input that its schema took: the top-level fields
 * the parsed value kept, as sent (base64 strings stay strings, so the input
 * can be journaled and re-run). Fields the schema ignores (and strips) are
 * dropped, so they are never stored, echoed or sent to webhooks.
 *
 * @example
 * acceptedInput({ text: "hi", junk: {} }, { text: "hi", count: 1 }) // { text: "hi" }
 */
export function acceptedInput(
  raw: Record<string, unknown>,
  parsed: unknown,
): Record<string, unknown> {
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return raw;
  const kept: Record<string, unknown> = {};
  for (const key of Object.keys(parsed)) {
    if (Object.hasOwn(raw, key)) kept[key] = raw[key];
  }
  return kept;
}
