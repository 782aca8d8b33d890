import { EventEmitter } from 'node:events';
import { Server, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseProxyRange, splitTrustProxy } from '../../src/config/trust-proxy.js';
import { clientKey } from '../../src/server/client-key.js';
import { capConnectionsPerClient } from '../../src/server/slots.js';
import { trustedProxies } from '../../src/server/trusted-proxies.js';

// Per-client caps counted each IPv6 address as a client: one subscriber holds a /64 (or far more)
// and can use a fresh source address per connection, so the caps capped no one.
describe('clientKey', () => {
  it.each([
    ['2001:db8:0:1::1', '2001:db8:0:1::/64'],
    ['2001:0db8:0000:0001:0000:0000:0000:0001', '2001:db8:0:1::/64'],
    ['2001:DB8:0:1:ffff:ffff:ffff:ffff', '2001:db8:0:1::/64'],
    ['2001:db8:0:1:a:b:c:d', '2001:db8:0:1::/64'],
    ['2001:db8:0:1::1.2.3.4', '2001:db8:0:1::/64'],
    ['2001:db8::1', '2001:db8::/64'],
    ['2001:0db8:0:0::1', '2001:db8::/64'],
    ['2001:db8:0:0:1::', '2001:db8::/64'],
    ['1:0:0:1::5', '1:0:0:1::/64'],
    ['fe80::1%eth0', 'fe80::/64'],
    ['fe80::2%2', 'fe80::/64'],
    ['::1', '::1'],
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['::FFFF:cb00:7107', '203.0.113.7'],
    ['0:0:0:0:0:ffff:203.0.113.7', '203.0.113.7'],
    ['not an address', 'an unknown address'],
    ['203.0.113.7:5000', 'an unknown address'],
    [undefined, 'an unknown address'],
  ])('%s counts as %s', (ip, key) => {
    expect(clientKey(ip)).toBe(key);
  });

  it('tells different /64s apart, and IPv4 addresses one by one', () => {
    const keys = ['2001:db8:0:1::1', '2001:db8:0:2::1', '2001:db8:1:1::1', '2001:db9:0:1::1'].map(clientKey);
    expect(new Set(keys).size).toBe(4);
    expect(clientKey('203.0.113.7')).not.toBe(clientKey('203.0.113.8'));
    expect(clientKey('::ffff:203.0.113.7')).not.toBe(clientKey('::ffff:203.0.113.8'));
  });
});

/** A socket as the 'connection' event gives it: a peer address, destroy, close. */
function fakeSocket(remoteAddress: string): Socket & { destroyed: boolean } {
  const socket = Object.assign(new EventEmitter(), {
    remoteAddress,
    destroyed: false,
    destroy() {
      socket.destroyed = true;
      socket.emit('close');
      return socket;
    },
  });
  return socket as unknown as Socket & { destroyed: boolean };
}

describe('capConnectionsPerClient', () => {
  const connect = (server: Server, address: string) => {
    const socket = fakeSocket(address);
    server.emit('connection', socket);
    return socket;
  };

  it('counts two addresses of one /64 as one client, another /64 apart', () => {
    const server = new Server();
    capConnectionsPerClient(server, 2);
    const first = connect(server, '2001:db8:0:1::a');
    const second = connect(server, '2001:0db8:0:1:0:0:0:b');
    expect([first.destroyed, second.destroyed]).toEqual([false, false]);
    expect(connect(server, '2001:db8:0:1:ffff::c').destroyed).toBe(true);
    expect(connect(server, '2001:db8:0:2::a').destroyed).toBe(false);
    first.destroy();
    expect(connect(server, '2001:db8:0:1::d').destroyed).toBe(false);
  });

  it('does not count a trusted proxy, and counts everyone else', () => {
    const server = new Server();
    capConnectionsPerClient(server, 1, trustedProxies(['10.0.0.0/8', 'fd00::/8']));
    const proxied = ['10.1.2.3', '::ffff:10.1.2.3', 'fd00::1', '10.1.2.3'].map((a) => connect(server, a));
    expect(proxied.map((s) => s.destroyed)).toEqual([false, false, false, false]);
    expect(connect(server, '203.0.113.7').destroyed).toBe(false);
    expect(connect(server, '::ffff:203.0.113.7').destroyed).toBe(true);
  });
});

describe('--trust-proxy entries', () => {
  it.each([
    ['10.0.0.0/8', { address: '10.0.0.0', prefix: 8, family: 'ipv4' }],
    ['203.0.113.7', { address: '203.0.113.7', prefix: 32, family: 'ipv4' }],
    ['0.0.0.0/0', { address: '0.0.0.0', prefix: 0, family: 'ipv4' }],
    ['fd00::/8', { address: 'fd00::', prefix: 8, family: 'ipv6' }],
    ['2001:db8::1', { address: '2001:db8::1', prefix: 128, family: 'ipv6' }],
    ['::ffff:10.0.0.1', { address: '::ffff:10.0.0.1', prefix: 128, family: 'ipv6' }],
  ])('takes %s', (entry, range) => {
    expect(parseProxyRange(entry)).toEqual(range);
  });

  it.each([
    'loopback',
    'proxy.internal',
    '10.0.0.0/33',
    'fd00::/129',
    '10.0.0.0/',
    '10.0.0.0/8/8',
    '10.0.0.0/-1',
    '10.0.0.0/0x8',
    '256.0.0.1',
    '010.0.0.1',
    'fe80::1%eth0',
    ' 10.0.0.1',
    '',
  ])('refuses %j', (entry) => {
    expect(parseProxyRange(entry)).toBeUndefined();
    expect(() => trustedProxies([entry])).toThrow(
      `expected each trusted proxy to be an IP address or CIDR such as 10.0.0.0/8, 203.0.113.7 or fd00::/8, got \`${entry}\``,
    );
  });

  it('splits a comma-separated list, naming the first bad entry', () => {
    expect(splitTrustProxy('10.0.0.0/8, fd00::/8')).toEqual({ entries: ['10.0.0.0/8', 'fd00::/8'] });
    expect(splitTrustProxy('10.0.0.1,nginx,bad')).toEqual({ bad: 'nginx' });
    expect(splitTrustProxy('10.0.0.1,,10.0.0.2')).toEqual({ bad: '' });
  });

  it('trusts the listed peers only, in any spelling of their address', () => {
    const trusted = trustedProxies(['127.0.0.1', '10.0.0.0/8', '2001:db8:0:1::/64'])!;
    expect(['127.0.0.1', '::ffff:127.0.0.1', '10.200.0.1', '2001:DB8:0:1::9'].map(trusted)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['127.0.0.2', '11.0.0.1', '2001:db8:0:2::9', 'garbage', ''].map(trusted)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(trustedProxies([])).toBeUndefined();
  });
});
