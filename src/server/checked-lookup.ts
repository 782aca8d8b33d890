import type { LookupAddress } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { FramefleetError, show } from '../errors.js';

/** Every address a host name has; production asks the system (dns.lookup), tests script answers. */
export type Resolver = (host: string) => Promise<LookupAddress[]>;

/** The system's resolver (getaddrinfo: /etc/hosts, then DNS), as every connection would use it. */
export const systemResolver: Resolver = (host) => lookup(host, { all: true, verbatim: true });

// Addresses no download may reach by name: loopback, private, shared, link-local (cloud metadata
// at 169.254.169.254), documentation, benchmarking, multicast and reserved (RFC 6890).
const NOT_PUBLIC = new BlockList();
for (const [network, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 3], // multicast, reserved and broadcast: 224.0.0.0 to 255.255.255.255
] as const) {
  NOT_PUBLIC.addSubnet(network, bits, 'ipv4');
}
// IPv6 outside 2000::/3 (loopback, mapped and NAT64 IPv4, unique and link-local, multicast) is
// refused below; within it, the blocks that embed an IPv4 address or are not routed.
for (const [network, bits] of [
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['3fff::', 20], // documentation (RFC 9637)
] as const) {
  NOT_PUBLIC.addSubnet(network, bits, 'ipv6');
}
const GLOBAL_UNICAST_V6 = new BlockList();
GLOBAL_UNICAST_V6.addSubnet('2000::', 3, 'ipv6');

/** Whether an address is a public unicast one; anything else, or not an address, is false. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !NOT_PUBLIC.check(address, 'ipv4');
  if (family === 6) return GLOBAL_UNICAST_V6.check(address, 'ipv6') && !NOT_PUBLIC.check(address, 'ipv6');
  return false;
}

/**
 * A `lookup` for http(s).request: the name is resolved when the socket connects, every address
 * it resolved to must be public, and the socket connects to one of exactly those addresses. A
 * name checked earlier and resolved again later (DNS rebinding) cannot reach anything else.
 */
export function checkedLookup(resolve: Resolver = systemResolver): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname)
      .then((found) => {
        const refused = found.find((a) => !isPublicAddress(a.address));
        if (refused) {
          throw new FramefleetError(
            'URL_FORBIDDEN',
            `input host ${show(hostname)} resolves to ${show(refused.address)}, which is not a public address`,
          );
        }
        const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
        const usable = family ? found.filter((a) => a.family === family) : found;
        const first = usable[0];
        if (!first) {
          throw Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' });
        }
        if (options.all) callback(null, usable);
        else callback(null, first.address, first.family);
      })
      .catch((error: NodeJS.ErrnoException) => callback(error, '', 0));
  };
}
