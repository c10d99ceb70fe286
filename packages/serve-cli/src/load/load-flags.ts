import { usageError } from "../cli-error.js";

/**
 * Parses a duration flag: `10s`, `500ms`, `2m`, or a plain number of seconds.
 * A bad value is a usage error naming the flag.
 *
 * @example
 * parseDuration("1.5s", "--duration") // 1500 (milliseconds)
 */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!match) throw usageError(`${flag} must be a duration like 10s, 500ms or 2m, got "${text}"`);
  const value = Number(match[1]);
  const unit = match[2] ?? "s";
  const ms = unit === "ms" ? value : unit === "m" ? value * 60_000 : value * 1000;
  return Math.round(ms);
}

/**
 * Parses `--rate`: requests per second, as `50/s`, `50` or `3000/m`.
 *
 * @example
 * parseRate("50/s") // 50
 */
export function parseRate(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(?:\/(s|m))?$/.exec(text.trim());
  const perSecond = match ? Number(match[1]) / (match[2] === "m" ? 60 : 1) : Number.NaN;
  if (!(perSecond > 0))
    throw usageError(`--rate must be requests per second above 0, like 50/s or 50, got "${text}"`);
  return perSecond;
}

/**
 * Parses `--concurrency 1,4,16` into the levels, each a whole number ≥ 1.
 *
 * @example
 * parseConcurrencyList("1,4,16") // [1, 4, 16]
 */
export function parseConcurrencyList(text: string): number[] {
  const levels = text.split(",").map((part) => part.trim());
  if (levels.length === 0 || levels.some((level) => !/^[1-9]\d*$/.test(level)))
    throw usageError(
      `--concurrency must be whole numbers ≥ 1 separated by commas, like 1,4,16, got "${text}"`,
    );
  return levels.map(Number);
}

/**
 * Parses a whole-number flag with a lower bound (`--requests`, `--rounds`, `--max-in-flight`).
 *
 * @example
 * parseWholeNumber("4", "--rounds", 1) // 4
 */
export function parseWholeNumber(text: string, flag: string, min: number): number {
  const value = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || value < min)
    throw usageError(`${flag} must be a whole number ≥ ${min}, got "${text}"`);
  return value;
}

/**
 * Parses `--header "Name: value"` (the colon form curl uses) into a pair.
 *
 * @example
 * parseHeader("X-Routing-Key: user-7") // ["x-routing-key", "user-7"]
 */
export function parseHeader(text: string): [string, string] {
  const colon = text.indexOf(":");
  const name = colon > 0 ? text.slice(0, colon).trim().toLowerCase() : "";
  if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name))
    throw usageError(
      `--header expects Name:value (e.g. --header "X-Model-Version: 2"), got "${text}"`,
    );
  return [name, text.slice(colon + 1).trim()];
}

/**
 * Parses a request path (`--path`): it must start with `/`.
 *
 * @example
 * parseRequestPath("/models/yolov5/predict") // "/models/yolov5/predict"
 */
export function parseRequestPath(text: string): string {
  if (!text.startsWith("/"))
    throw usageError(
      `--path must start with "/", e.g. /predict or /models/yolov5/predict, got "${text}"`,
    );
  return text;
}

/**
 * Checks a server URL (`--url`, `--compare`): http or https, nothing after the host but a base path.
 *
 * @example
 * parseServerUrl("http://127.0.0.1:8000/", "--url") // "http://127.0.0.1:8000"
 */
export function parseServerUrl(text: string, flag: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw usageError(`${flag} must be a server URL like http://127.0.0.1:8000, got "${text}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw usageError(`${flag} must be an http:// or https:// URL, got "${text}"`);
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}
