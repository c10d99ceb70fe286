import { createHash } from "node:crypto";
import type { MiddlewareHandler } from "hono";

/** Options of {@link pageSecurityHeaders}. */
export interface PageSecurityHeadersOptions {
  /** The page's inline scripts, exactly as written: each is allowed by its SHA-256 hash, nothing else inline. */
  inlineScripts?: string[];
  /** Sources the page may fetch from besides its own origin, e.g. `["https:"]`. @default [] */
  connectSources?: string[];
}

/** `'sha256-…'` of an inline script, as Content-Security-Policy lists it. */
export function scriptHash(script: string): string {
  return `'sha256-${createHash("sha256").update(script).digest("base64")}'`;
}

/**
 * Headers for the browser pages (`/ui`, `/docs`) and their assets: a
 * Content-Security-Policy that runs only this server's scripts (plus the
 * page's own inline ones, by hash), `nosniff`, and no framing by other sites
 * (`frame-ancestors 'none'`, and `X-Frame-Options: DENY` for older browsers).
 *
 * @example
 * app.use("/docs/*", pageSecurityHeaders({ inlineScripts: [init] }));
 */
export function pageSecurityHeaders(options: PageSecurityHeadersOptions = {}): MiddlewareHandler {
  const policy = [
    "default-src 'none'",
    `script-src 'self' ${(options.inlineScripts ?? []).map(scriptHash).join(" ")}`.trim(),
    // Both pages set style attributes (positions, sizes); a style cannot run code.
    "style-src 'self' 'unsafe-inline'",
    // Predictions show uploads and outputs as blob: and data: URLs.
    "img-src 'self' data: blob:",
    "media-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self' ${(options.connectSources ?? []).join(" ")}`.trim(),
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
  return async function pageSecurityHeaders(c, next) {
    await next();
    c.header("Content-Security-Policy", policy);
    c.header("X-Content-Type-Options", "nosniff");
    c.header("X-Frame-Options", "DENY");
    c.header("Referrer-Policy", "no-referrer");
  };
}
