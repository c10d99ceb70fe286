/**
 * An `.npmrc` that takes the `@servekit` packages from `registry` (every
 * other package still comes from the default registry).
 *
 * @example
 * npmrc("http://localhost:4873/"); // "@servekit:registry=http://localhost:4873/\n"
 */
export function npmrc(registry: string): string {
  return `@servekit:registry=${registry}\n`;
}

/**
 * Checks a registry URL: http(s), no spaces. Returns it trimmed; throws a
 * RangeError saying what a valid one looks like.
 *
 * @example
 * registryUrl("https://npm.example.com/"); // "https://npm.example.com/"
 */
export function registryUrl(value: string): string {
  const trimmed = value.trim();
  let url: URL | undefined;
  try {
    url = new URL(trimmed);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || /\s/.test(trimmed)) {
    throw new RangeError(
      `--registry must be an http(s) URL like https://npm.example.com/ or http://localhost:4873/, got ${JSON.stringify(value)}`,
    );
  }
  return trimmed;
}
