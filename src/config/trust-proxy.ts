import { isIP } from 'node:net';

/**
 * `--trust-proxy` and framefleet.yaml's `server.trustProxy`: the reverse proxies whose
 * X-Forwarded-For the server believes. Plain parsing over node:net: the CLI reads it at every start.
 */

/** One trusted proxy: an address (a CIDR of its full length) or a CIDR's network and prefix. */
export interface ProxyRange {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** What an entry must be, as messages say it. */
export const PROXY_ENTRY_HINT = 'an IP address or CIDR such as 10.0.0.0/8, 203.0.113.7 or fd00::/8';

/**
 * `10.0.0.0/8`, `fd00::/8` or `203.0.113.7` as a range; undefined for anything else: a name, a zone
 * id (`fe80::1%eth0` names an interface, not a proxy), a prefix past the family's length, spaces.
 */
export function parseProxyRange(text: string): ProxyRange | undefined {
  const slash = text.indexOf('/');
  const address = slash === -1 ? text : text.slice(0, slash);
  const version = isIP(address);
  if (version === 0 || address.includes('%')) return undefined;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const length = version === 4 ? 32 : 128;
  if (slash === -1) return { address, prefix: length, family };
  const bits = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > length) return undefined;
  return { address, prefix: Number(bits), family };
}

/** A comma-separated `--trust-proxy` value as its entries (trimmed), or the first that is neither. */
export function splitTrustProxy(value: string): { entries: string[] } | { bad: string } {
  const entries = value.split(',').map((entry) => entry.trim());
  const bad = entries.find((entry) => parseProxyRange(entry) === undefined);
  return bad === undefined ? { entries } : { bad };
}
