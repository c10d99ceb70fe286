import type { MiddlewareHandler } from "hono";
import { ServeError } from "../../errors.js";
import { bearerToken, keyMatcher } from "./api-key-auth.js";

/**
 * Guards the admin routes: refused outright (403 ADMIN_DISABLED) while no
 * admin key is configured, so a server is never open to releases by
 * accident; otherwise `Authorization: Bearer <admin key>` is required (401).
 * The ordinary API keys do not open them.
 */
export function adminAuth(adminKeys: readonly string[]): MiddlewareHandler {
  const matchKey = keyMatcher(adminKeys);
  return async function requireAdminKey(c, next) {
    if (adminKeys.length === 0)
      throw new ServeError(
        "ADMIN_DISABLED",
        "admin routes are off: start the server with adminApiKeys (or SERVEKIT_ADMIN_KEYS) to change traffic or retire versions",
      );
    const presented = bearerToken(c);
    if (matchKey(presented) < 0) {
      c.header("WWW-Authenticate", 'Bearer realm="servekit-admin"');
      throw new ServeError(
        "UNAUTHORIZED",
        presented === undefined
          ? "an admin key is required: send `Authorization: Bearer <admin key>` (serve-cli release reads --api-key or SERVEKIT_ADMIN_KEY)"
          : "the admin key is not valid",
      );
    }
    return next();
  };
}
