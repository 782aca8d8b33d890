import type { LookupAddress } from 'node:dns';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Resolver } from '../../src/server/checked-lookup.js';
import { downloadName, fetchInput } from '../../src/server/fetch-input.js';
import { FileStorage } from '../../src/storage/index.js';

/** A local HTTP server on 127.0.0.1 that counts what reaches it. */
async function listen(handle: (url: string) => [number, Record<string, string>, string]) {
  const hits: string[] = [];
  const server: Server = createServer((request, response) => {
    hits.push(request.url ?? '');
    const [status, headers, body] = handle(request.url ?? '');
    response.writeHead(status, headers).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, hits, port: (server.address() as AddressInfo).port };
}

/** A DNS that answers each question with the next answer of its script, and counts questions. */
function scripted(...script: string[][]): Resolver & { asked: string[] } {
  const asked: string[] = [];
  const resolve = (host: string) => {
    asked.push(host);
    const answer = script[asked.length - 1] ?? [];
    return Promise.resolve(answer.map((address): LookupAddress => ({ address, family: 4 })));
  };
  return Object.assign(resolve, { asked });
}

// The download path with a name whose DNS turns hostile (rebinding): the address connected to is
// the address checked, at every hop, and nothing reaches a server on the loopback by name.
describe('downloads of URL inputs resolve and check when they connect', () => {
  let dir = '';
  let storage: FileStorage;
  let internal: Awaited<ReturnType<typeof listen>>;
  let origin: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ff-fetch-'));
    storage = new FileStorage(dir);
    // What an attacker wants reached: a service on the loopback (or the cloud's metadata).
    internal = await listen(() => [200, {}, 'internal secret']);
    // An allowed origin, named by its address, that redirects to an allowed name.
    origin = await listen((url) =>
      url.startsWith('/direct')
        ? [200, {}, 'media bytes']
        : [302, { location: `http://media.test:${internal.port}/secret.mp4` }, ''],
    );
  });
  afterAll(async () => {
    internal.server.close();
    origin.server.close();
    await rm(dir, { recursive: true, force: true });
  });

  const download = (url: string, resolve: Resolver) =>
    fetchInput(url, { storage, allowHosts: ['media.test', '127.0.0.1'], maxBytes: 1024, resolve }).then(
      (local) => local,
      (error: { code: string; message: string }) => error,
    );

  it('refuses a name that resolves to the loopback when it connects, and never connects', async () => {
    const dns = scripted(['127.0.0.1']);
    const refused = await download(`http://media.test:${internal.port}/secret.mp4`, dns);
    expect(refused).toMatchObject({ code: 'URL_FORBIDDEN' });
    expect((refused as { message: string }).message).toBe(
      'input host `media.test` resolves to `127.0.0.1`, which is not a public address',
    );
    expect(dns.asked).toEqual(['media.test']);
    expect(internal.hits).toEqual([]);
  });

  it('checks the name a redirect leads to when that hop connects', async () => {
    // The cloud's metadata address, met only on the redirect's hop.
    const dns = scripted(['169.254.169.254']);
    const refused = await download(`http://127.0.0.1:${origin.port}/moved.mp4`, dns);
    expect(refused).toMatchObject({ code: 'URL_FORBIDDEN' });
    expect(dns.asked).toEqual(['media.test']);
    expect(origin.hits).toEqual(['/moved.mp4']);
    expect(internal.hits).toEqual([]);
  });

  it('refuses a name with a public and a private address (a second record to fall back to)', async () => {
    const dns = scripted(['93.184.216.34', '127.0.0.1']);
    expect(await download(`http://media.test:${internal.port}/secret.mp4`, dns)).toMatchObject({
      code: 'URL_FORBIDDEN',
    });
    expect(internal.hits).toEqual([]);
  });

  it('still downloads from a host the allowlist names by its address', async () => {
    const dns = scripted();
    const local = await download(`http://127.0.0.1:${origin.port}/direct.mp4`, dns);
    expect(await readFile(local as string, 'utf8')).toBe('media bytes');
    expect(dns.asked).toEqual([]);
  });

  it('stores a download with a long name under its last 128 characters, extension kept', async () => {
    // Found by the server attack: a 300-character name failed in storage with 500 STORAGE_FAILED.
    const local = await download(`http://127.0.0.1:${origin.port}/direct${'a'.repeat(300)}.mp4`, scripted());
    expect(path.basename(local as string)).toBe(`${'a'.repeat(124)}.mp4`);
    expect(await readFile(local as string, 'utf8')).toBe('media bytes');
  });

  it('closes the connection when storage fails before it reads the body', async () => {
    // A body that never ends: only the client closing the connection ends the response.
    let closed: Promise<void> = new Promise(() => undefined);
    const slow = createServer((_request, response) => {
      closed = new Promise((done) => response.on('close', () => done()));
      response.writeHead(200).write('media bytes');
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    try {
      const failing = Object.assign(Object.create(storage) as FileStorage, {
        putStream: () => Promise.reject(new Error('disk full')),
      });
      const url = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/clip.mp4`;
      const options = { storage: failing, allowHosts: ['127.0.0.1'], maxBytes: 1024, resolve: scripted() };
      await expect(fetchInput(url, options)).rejects.toThrow(/disk full/);
      const gone = await Promise.race([closed.then(() => true), sleep(2000).then(() => false)]);
      expect(gone).toBe(true);
    } finally {
      slow.closeAllConnections();
      slow.close();
    }
  });

  it.each([
    ['http://h/clip.mp4', 'clip.mp4'],
    ['http://h/', 'input'],
    ['http://h/..%2f..%2fetc%2fpasswd', '2f.._2fetc_2fpasswd'],
    ['http://h/%C3%A9t%C3%A9.mov', 'C3_A9t_C3_A9.mov'],
    [`http://h/${'%C3%A9'.repeat(60)}.mkv`, `${'_C3_A9'.repeat(60)}.mkv`.slice(-128).replace(/^_/, '')],
  ])('names the download of %s %s', (url, name) => {
    expect(downloadName(new URL(url))).toBe(name);
    expect(name.length).toBeLessThanOrEqual(128);
  });
});
