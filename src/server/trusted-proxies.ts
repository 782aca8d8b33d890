import { BlockList, isIP } from 'node:net';
import { PROXY_ENTRY_HINT, parseProxyRange } from '../config/trust-proxy.js';
import { FramefleetError, show } from '../errors.js';

/** Whether a peer address is a trusted reverse proxy. */
export type TrustedProxy = (address: string) => boolean;

/**
 * The check for `--trust-proxy`'s addresses and CIDRs, or undefined for none (trust nothing). The
 * one decision both fastify's trustProxy (which hops of X-Forwarded-For are believed, so
 * request.ip is the client behind them) and the per-client connection cap (which exempts the
 * proxies' connections) use. An IPv4 entry also matches its IPv4-mapped IPv6 form, and back.
 */
export function trustedProxies(entries: readonly string[]): TrustedProxy | undefined {
  if (entries.length === 0) return undefined;
  const list = new BlockList();
  for (const entry of entries) {
    const range = parseProxyRange(entry);
    if (!range) {
      throw new FramefleetError(
        'INVALID_ARGUMENT',
        `expected each trusted proxy to be ${PROXY_ENTRY_HINT}, got ${show(entry)}`,
      );
    }
    list.addSubnet(range.address, range.prefix, range.family);
  }
  return (address) => {
    // A link-local peer may carry its interface (`fe80::1%eth0`); X-Forwarded-For may carry anything.
    const bare = address.split('%')[0]!;
    const version = isIP(bare);
    return version !== 0 && list.check(bare, version === 4 ? 'ipv4' : 'ipv6');
  };
}
