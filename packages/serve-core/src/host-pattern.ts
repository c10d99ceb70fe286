import { isIP } from "node:net";

/**
 * Whether `host` is a webhook host pattern: a host name (`a.example.com`,
 * `*.example.com`), an IP address, or a CIDR range (`10.0.0.0/8`).
 *
 * @example
 * isHostPattern("*.example.com"); // true
 * isHostPattern("10.0.0.0/33"); // false
 */
export function isHostPattern(host: string): boolean {
  const [address = "", prefix, extra] = host.split("/");
  const family = isIP(address);
  if (family !== 0 && extra === undefined) {
    if (prefix === undefined) return true;
    const bits = Number(prefix);
    return /^\d+$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
  }
  return (
    prefix === undefined &&
    /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/i.test(host)
  );
}
