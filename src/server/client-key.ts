import { isIPv4, isIPv6, SocketAddress } from 'node:net';

/** A peer with no readable address (its socket already gone): one bucket, so none escapes a cap. */
export const UNKNOWN_CLIENT = 'an unknown address';

/**
 * What one client is counted as by every per-client cap: an IPv4 address as it is (an IPv4-mapped
 * IPv6 one, `::ffff:10.0.0.1` or `::ffff:a00:1`, as its IPv4 address), an IPv6 address as its /64
 * (`2001:db8:0:1::/64`). One subscriber holds a whole /64 (often far more) and may use a fresh
 * address for every connection, so a cap per IPv6 address caps no one. Any spelling of an address
 * gives one key (`2001:DB8:0:0::1`, `2001:db8::1`); a zone id (`fe80::1%eth0`) is dropped. The
 * loopback `::1` stays itself.
 */
export function clientKey(ip: string | undefined): string {
  if (!ip) return UNKNOWN_CLIENT;
  if (isIPv4(ip)) return ip;
  if (!isIPv6(ip)) return UNKNOWN_CLIENT;
  const canonical = canonicalIPv6(ip);
  // This machine: one host, not a subscriber's network.
  if (canonical === '::1') return canonical;
  const groups = ipv6Groups(canonical);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [high, low] = [groups[6]!, groups[7]!];
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
  }
  const network = [...groups.slice(0, 4), 0, 0, 0, 0].map((g) => g.toString(16)).join(':');
  return `${canonicalIPv6(network)}/64`;
}

/** RFC 5952 text of a valid IPv6 address (lower case, longest zero run as `::`), no zone id. */
function canonicalIPv6(ip: string): string {
  return new SocketAddress({ address: ip, family: 'ipv6' }).address;
}

/** The eight 16-bit groups of a valid IPv6 address, a dotted IPv4 tail (`::ffff:1.2.3.4`) included. */
function ipv6Groups(ip: string): number[] {
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  const text = dotted
    ? ip.slice(0, dotted.index) +
      [0, 2].map((i) => ((Number(dotted[i + 1]) << 8) | Number(dotted[i + 2])).toString(16)).join(':')
    : ip;
  const [head, tail] = text.split('::') as [string, string | undefined];
  const split = (part: string | undefined) => (part ? part.split(':') : []);
  const before = split(head);
  const after = split(tail);
  const zeros = tail === undefined ? [] : new Array<string>(8 - before.length - after.length).fill('0');
  return [...before, ...zeros, ...after].map((g) => parseInt(g, 16));
}
