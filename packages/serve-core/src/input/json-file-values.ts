import { decodeBase64 } from "./base64.js";

/** Shorter values are left to JSON.parse: finding them would not pay off. */
const MIN_BASE64_LENGTH = 16 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;
/** JSON's whitespace (space, tab, CR, LF) is all at or below this. */
const SPACE = 0x20;

/** A top-level string value of a JSON body, found in its bytes and decoded from base64. */
export interface Base64FileValue {
  key: string;
  /** Index of the opening quote. */
  start: number;
  /** Index just past the closing quote. */
  end: number;
  data: Buffer;
}

/**
 * Finds the values of `fileKeys` in a JSON object body that are long base64
 * strings, and decodes them from the body's bytes. The caller hands JSON.parse
 * the rest: for a megabyte image that skips scanning and copying the string
 * twice (~0.5 ms of the HTTP thread for 870 KB). Values that are not plain base64 (data
 * URLs, escapes, anything else) and keys that occur twice are not returned,
 * so JSON.parse sees them as usual. Only the bytes between strings are looked
 * at one by one; strings are skipped with native searches for quotes.
 *
 * @example
 * findBase64FileValues(Buffer.from(`{"image":"${base64}","n":1}`), new Set(["image"]))
 * // [{ key: "image", start: 9, end: ..., data: <Buffer ...> }]
 */
export function findBase64FileValues(
  bytes: Buffer,
  fileKeys: ReadonlySet<string>,
): Base64FileValue[] {
  if (fileKeys.size === 0 || bytes.length < MIN_BASE64_LENGTH) return [];
  if (firstNonSpace(bytes) !== OPEN_BRACE) return []; // not an object: JSON.parse alone
  const found: Base64FileValue[] = [];
  const keyCounts = new Map<string, number>();
  let depth = 0;
  // The last byte outside strings that is not whitespace: what precedes the next string.
  let before = 0;
  let key: string | undefined;
  let pos = 0;
  for (;;) {
    const open = bytes.indexOf(QUOTE, pos);
    const stop = open === -1 ? bytes.length : open;
    for (let i = pos; i < stop; i++) {
      const byte = bytes[i]!;
      if (byte === OPEN_BRACE || byte === OPEN_BRACKET) depth++;
      else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) depth--;
      if (byte > SPACE) before = byte;
    }
    if (open === -1) break;
    const close = closingQuote(bytes, open);
    if (close === -1) return []; // unterminated: JSON.parse says so
    // In the top-level object a string after { or , is a key; after : it is that key's value.
    if (depth === 1 && (before === OPEN_BRACE || before === COMMA)) {
      key = parseKey(bytes, open, close);
      if (key === undefined) return []; // a bad escape: JSON.parse says so
      keyCounts.set(key, (keyCounts.get(key) ?? 0) + 1);
    } else if (depth === 1 && before === COLON && key !== undefined && fileKeys.has(key)) {
      const length = close - open - 1;
      const data = length >= MIN_BASE64_LENGTH ? decodeBase64(bytes, open + 1, close) : undefined;
      if (data) found.push({ key, start: open, end: close + 1, data });
    }
    before = QUOTE;
    pos = close + 1;
  }
  // With a key sent twice, JSON.parse keeps the last value; leave that to it.
  return found.filter((value) => keyCounts.get(value.key) === 1);
}

/** Index of the quote that ends the string opened at `open`, or -1. */
function closingQuote(bytes: Buffer, open: number): number {
  let at = bytes.indexOf(QUOTE, open + 1);
  while (at !== -1) {
    let backslashes = 0;
    while (bytes[at - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
    at = bytes.indexOf(QUOTE, at + 1);
  }
  return -1;
}

function parseKey(bytes: Buffer, open: number, close: number): string | undefined {
  try {
    return JSON.parse(bytes.toString("utf8", open, close + 1)) as string;
  } catch {
    return undefined;
  }
}

function firstNonSpace(bytes: Buffer): number | undefined {
  for (const byte of bytes) if (byte > SPACE) return byte;
  return undefined;
}
