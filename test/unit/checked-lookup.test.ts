import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { checkedLookup, isPublicAddress, type Resolver } from '../../src/server/checked-lookup.js';

/** What a lookup answered: the addresses, or the error's code. */
function ask(resolve: Resolver, options: { all?: boolean; family?: number } = {}): Promise<unknown> {
  return new Promise((done) => {
    checkedLookup(resolve)('media.test', options, (error, address, family) =>
      done(error ? (error as { code?: string }).code : options.all ? address : { address, family }),
    );
  });
}

const answers =
  (...addresses: string[]): Resolver =>
  () =>
    Promise.resolve(
      addresses.map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 })),
    );

describe('checked lookup', () => {
  it.each([
    ['93.184.216.34', true],
    ['8.8.8.8', true],
    ['2606:2800:220:1:248:1893:25c8:1946', true],
    ['127.0.0.1', false],
    ['127.8.9.10', false],
    ['0.0.0.0', false],
    ['10.1.2.3', false],
    ['172.16.0.1', false],
    ['172.31.255.255', false],
    ['192.168.1.1', false],
    ['169.254.169.254', false],
    ['100.64.0.1', false],
    ['198.18.0.1', false],
    ['224.0.0.1', false],
    ['255.255.255.255', false],
    ['::1', false],
    ['::', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:169.254.169.254', false],
    ['64:ff9b::a9fe:a9fe', false],
    ['fd00::1', false],
    ['fe80::1', false],
    ['ff02::1', false],
    ['2002:7f00:1::', false],
    ['2001:db8::1', false],
    ['3fff:fff::1', false],
    ['3ffe::1', true],
    ['media.test', false],
  ])('%s is public: %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });

  it('answers with exactly the addresses it checked', async () => {
    expect(await ask(answers('93.184.216.34'))).toEqual({ address: '93.184.216.34', family: 4 });
    expect(await ask(answers('93.184.216.34', '2606:2800:220:1::1'), { all: true })).toEqual([
      { address: '93.184.216.34', family: 4 },
      { address: '2606:2800:220:1::1', family: 6 },
    ]);
    expect(await ask(answers('93.184.216.34', '2606:2800:220:1::1'), { family: 6 })).toEqual({
      address: '2606:2800:220:1::1',
      family: 6,
    });
  });

  it('refuses a name with any address that is not public, one answer after another', async () => {
    // A rebinding server: public for the first question, loopback and metadata after.
    const script = [['93.184.216.34'], ['127.0.0.1'], ['169.254.169.254'], ['93.184.216.34', '10.0.0.1']];
    let call = 0;
    const rebinding: Resolver = () => answers(...(script[call++] ?? []))('media.test');
    expect(await ask(rebinding)).toEqual({ address: '93.184.216.34', family: 4 });
    expect(await ask(rebinding)).toBe('URL_FORBIDDEN');
    expect(await ask(rebinding, { all: true })).toBe('URL_FORBIDDEN');
    expect(await ask(rebinding, { all: true })).toBe('URL_FORBIDDEN');
    expect(await ask(rebinding)).toBe('ENOTFOUND');
    expect(await ask(() => Promise.reject(Object.assign(new Error('x'), { code: 'ENOTFOUND' })))).toBe(
      'ENOTFOUND',
    );
  });
});
