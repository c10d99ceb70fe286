import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";

/** Hosts no webhook may reach unless allowed by name: cloud metadata services. */
const DEFAULT_DENIED_WEBHOOK_HOSTS = [
  "169.254.0.0/16",
  "fe80::/10",
  "169.254.169.254",
  "fd00:ec2::254",
  "metadata.google.internal",
];

export interface WebhookEgressOptions {
  /** When non-empty, only these hosts: names (`hooks.example.com`, `*.example.com`), addresses or CIDR ranges. */
  allowHosts: string[];
  /** Hosts refused on top of {@link DEFAULT_DENIED_WEBHOOK_HOSTS}; same forms. */
  denyHosts: string[];
  /** For tests. @default dns.promises.lookup (all addresses) */
  resolve?: (host: string) => Promise<string[]>;
}

/** Host patterns split into names and a {@link BlockList} of addresses and ranges. */
class HostSet {
  readonly names: string[] = [];
  readonly addresses = new BlockList();
  readonly size: number;

  constructor(hosts: string[]) {
    this.size = hosts.length;
    for (const host of hosts) {
      const [address, prefix] = host.split("/");
      const family = isIP(address ?? "") === 6 ? "ipv6" : "ipv4";
      if (isIP(address ?? "") === 0) this.names.push(host.toLowerCase().replace(/\.$/, ""));
      else if (prefix === undefined) this.addresses.addAddress(address as string, family);
      else this.addresses.addSubnet(address as string, Number(prefix), family);
    }
  }

  hasName(host: string): boolean {
    return this.names.some((n) =>
      n.startsWith("*.") ? host.endsWith(n.slice(1)) && host.length > n.length - 1 : host === n,
    );
  }

  hasAddress(address: string): boolean {
    const family = isIP(address) === 6 ? "ipv6" : "ipv4";
    return this.addresses.check(address, family);
  }
}

/**
 * Where webhooks may be sent: an optional allow-list and a deny-list that
 * always holds link-local and cloud metadata addresses. A host name is
 * checked by name and by every address it resolves to, so a name pointing at
 * a denied address is denied too.
 */
export class WebhookEgress {
  private readonly allow: HostSet;
  private readonly deny: HostSet;
  private readonly resolve: (host: string) => Promise<string[]>;

  constructor(options: WebhookEgressOptions) {
    this.allow = new HostSet(options.allowHosts);
    this.deny = new HostSet([...DEFAULT_DENIED_WEBHOOK_HOSTS, ...options.denyHosts]);
    this.resolve =
      options.resolve ??
      (async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address));
  }

  /** Why `url` may not be called (a sentence), or undefined when it may. */
  async refusal(url: string): Promise<string | undefined> {
    const host = new URL(url).hostname
      .toLowerCase()
      .replace(/^\[|\]$/g, "")
      .replace(/\.$/, "");
    if (this.deny.hasName(host)) return `webhook host ${host} is denied`;
    const allowedByName = this.allow.size > 0 && this.allow.hasName(host);
    let addresses: string[];
    if (isIP(host) !== 0) addresses = [host];
    else {
      try {
        addresses = await this.resolve(host);
      } catch {
        // Unresolvable now: deliveries retry later, and check again then.
        if (this.allow.size === 0 || allowedByName) return undefined;
        return `webhook host ${host} is not in the allowed hosts and could not be resolved`;
      }
    }
    for (const address of addresses) {
      if (this.deny.hasAddress(address)) {
        return `webhook host ${host} resolves to ${address}, a denied address (link-local, cloud metadata or webhookDenyHosts)`;
      }
      if (this.allow.size > 0 && !allowedByName && !this.allow.hasAddress(address)) {
        return `webhook host ${host} (${address}) is not in webhookAllowHosts`;
      }
    }
    return undefined;
  }
}
