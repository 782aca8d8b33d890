import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../helpers/cli.js';
import { startServer, type Harness } from './harness.js';

const TOKEN = 's3cret-token-for-tests';

/** Every file under a folder, recursively (temp files included): proof that nothing was written. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => !e.isDirectory()).map((e) => path.join(e.parentPath, e.name));
}

describe('API security', () => {
  let h: Harness;
  let outside: string;
  let origin: string;
  let originServer: Server;
  let originHits = 0;
  const auth = { authorization: `Bearer ${TOKEN}` };
  const post = (spec: Record<string, unknown>) =>
    fetch(`${h.url}/v1/jobs`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'transcode', spec }),
    });

  beforeAll(async () => {
    h = await startServer({
      token: TOKEN,
      allowHosts: ['127.0.0.1', 'localhost'],
      maxUploadBytes: 64 * 1024,
    });
    // An allowed origin that misbehaves: redirects elsewhere, or serves more than the limit.
    originServer = createServer((request, response) => {
      originHits++;
      if (request.url === '/redirect.mp4')
        response.writeHead(302, { location: 'http://evil.example.org/x.mp4' }).end();
      else if (request.url === '/big.mp4') response.end(Buffer.alloc(200 * 1024));
      else response.end('tiny');
    });
    await new Promise<void>((r) => originServer.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(originServer.address() as AddressInfo).port}`;
    outside = path.join(h.dir, 'outside');
    await mkdir(outside);
    await writeFile(path.join(outside, 'secret.mp4'), 'not for you');
    await writeFile(path.join(h.inputDir, 'ok.mp4'), 'placeholder');
    await symlink(path.join(outside, 'secret.mp4'), path.join(h.inputDir, 'link.mp4'));
    await symlink(outside, path.join(h.outputDir, 'escape'));
    await symlink(path.join(outside, 'secret.mp4'), path.join(h.outputDir, 'clobber.mp4'));
  });

  afterAll(async () => {
    // Proof that nothing ran: no job exists, nothing was written to outputs, uploads or job folders.
    const { total } = await h.runtime.backend.list();
    expect(total).toBe(0);
    expect(await filesUnder(path.join(h.dataDir, 'uploads'))).toEqual([]);
    expect(await filesUnder(path.join(h.dataDir, 'jobs'))).toEqual([]);
    expect((await filesUnder(h.outputDir)).map((f) => path.basename(f)).sort()).toEqual([
      'clobber.mp4',
      'escape',
    ]);
    expect(await readdir(outside)).toEqual(['secret.mp4']);
    expect(await readFile(path.join(outside, 'secret.mp4'), 'utf8')).toBe('not for you');
    expect(originHits).toBe(2); // redirect and big; the forbidden output was refused before any download
    originServer.close();
    await h.close();
  });

  it('requires the bearer token everywhere but /healthz', async () => {
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
    const routes = ['/v1/jobs', '/v1/nodes', '/v1/queues', '/metrics', '/readyz', '/v1/openapi.json'];
    // A job's files: its output, the ladder's and a montage's others (storyboard, EDL, OTIO).
    routes.push('/v1/jobs/x/output', '/v1/jobs/x/ladder/master.m3u8', '/v1/jobs/x/files/storyboard');
    for (const route of routes) {
      const response = await fetch(`${h.url}${route}`);
      expect(response.status, route).toBe(401);
      expect(await response.json()).toEqual({
        error: { code: 'UNAUTHORIZED', message: 'missing or wrong bearer token' },
      });
    }
    const wrong = await fetch(`${h.url}/v1/jobs`, { headers: { authorization: `Bearer ${TOKEN}x` } });
    expect(wrong.status).toBe(401);
    const submit = await fetch(`${h.url}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'transcode',
        spec: { input: path.join(h.inputDir, 'ok.mp4'), output: path.join(h.outputDir, 'a.mp4') },
      }),
    });
    expect(submit.status).toBe(401);
    expect((await fetch(`${h.url}/v1/jobs`, { headers: auth })).status).toBe(200);
  });

  it.each([
    [
      'traversal in the input',
      { input: '/IN/../outside/secret.mp4', output: '/OUT/a.mp4' },
      403,
      'PATH_FORBIDDEN',
    ],
    ['an input outside the roots', { input: '/etc/passwd', output: '/OUT/a.mp4' }, 403, 'PATH_FORBIDDEN'],
    ['a relative input', { input: 'in/ok.mp4', output: '/OUT/a.mp4' }, 400, 'INVALID_ARGUMENT'],
    ['an input symlink leading out', { input: '/IN/link.mp4', output: '/OUT/a.mp4' }, 403, 'PATH_FORBIDDEN'],
    [
      'traversal in the output',
      { input: '/IN/ok.mp4', output: '/OUT/../outside/x.mp4' },
      403,
      'PATH_FORBIDDEN',
    ],
    [
      'an output dir symlink leading out',
      { input: '/IN/ok.mp4', output: '/OUT/escape/x.mp4' },
      403,
      'PATH_FORBIDDEN',
    ],
    [
      'an output file symlink leading out',
      { input: '/IN/ok.mp4', output: '/OUT/clobber.mp4' },
      403,
      'PATH_FORBIDDEN',
    ],
    [
      'a URL from a host not allowed',
      { input: 'http://evil.example.org/a.mp4', output: '/OUT/a.mp4' },
      403,
      'URL_FORBIDDEN',
    ],
    ['a file: URL', { input: 'file:///etc/passwd', output: '/OUT/a.mp4' }, 403, 'URL_FORBIDDEN'],
    [
      'an ffmpeg protocol',
      { input: 'concat:/IN/ok.mp4|/etc/passwd', output: '/OUT/a.mp4' },
      403,
      'URL_FORBIDDEN',
    ],
    [
      'an allowed host that redirects to another',
      { input: 'ORIGIN/redirect.mp4', output: '/OUT/a.mp4' },
      403,
      'URL_FORBIDDEN',
    ],
    [
      // Found by the attacker trial: the name was allowed and the download went wherever it
      // resolved, here the loopback (DNS rebinding reaches the same way). Checked when it connects.
      'an allowed name that resolves to the loopback',
      { input: 'LOCALHOST/ok.mp4', output: '/OUT/a.mp4' },
      403,
      'URL_FORBIDDEN',
    ],
    ['a URL with credentials', { input: 'CREDENTIALS/ok.mp4', output: '/OUT/a.mp4' }, 403, 'URL_FORBIDDEN'],
    [
      'a download over the size limit',
      { input: 'ORIGIN/big.mp4', output: '/OUT/a.mp4' },
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    [
      'an allowed URL with a forbidden output',
      { input: 'ORIGIN/ok.mp4', output: '/etc/a.mp4' },
      403,
      'PATH_FORBIDDEN',
    ],
    [
      'an unknown spec field',
      { input: '/IN/ok.mp4', output: '/OUT/a.mp4', shell: 'rm -rf /' },
      400,
      'INVALID_SPEC',
    ],
  ])('refuses %s', async (_name, raw, status, code) => {
    const fix = (v: string) =>
      v
        .replace('/IN', h.inputDir)
        .replace('/OUT', h.outputDir)
        .replace('ORIGIN', origin)
        .replace('LOCALHOST', origin.replace('127.0.0.1', 'localhost'))
        .replace('CREDENTIALS', origin.replace('//', '//user:pass@'));
    const spec = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, fix(v)]));
    const response = await post(spec);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    expect(response.status).toBe(status);
    expect(body.error.message.length).toBeGreaterThan(10);
  });

  it('refuses oversized JSON bodies and uploads with 413', async () => {
    const big = await fetch(`${h.url}/v1/jobs`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'transcode', spec: { input: 'x'.repeat(2 * 1048576), output: '/o.mp4' } }),
    });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');

    const declared = await fetch(`${h.url}/v1/uploads?name=big.mp4`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/octet-stream' },
      body: Buffer.alloc(200 * 1024),
    });
    expect(declared.status).toBe(413);

    // No Content-Length: the limit is enforced while streaming, and the partial file is removed.
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 20; i++) controller.enqueue(new Uint8Array(16 * 1024));
        controller.close();
      },
    });
    const streamed = await fetch(`${h.url}/v1/uploads?name=big.mp4`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/octet-stream' },
      body: chunks,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);

    for (const name of ['../x.mp4', 'my%20clip.mp4']) {
      const badName = await fetch(`${h.url}/v1/uploads?name=${name}`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/octet-stream' },
        body: 'abc',
      });
      expect(badName.status).toBe(400);
      // The rule in words, not the regex.
      expect(((await badName.json()) as { error: { message: string } }).error.message).toMatch(
        /`querystring\.name` may use only letters, digits, `\.`, `_` and `-` .*, got `(\.\.\/x|my clip)\.mp4`$/,
      );
    }
  });

  it('refuses to listen beyond loopback without a token', () => {
    const env = { ...process.env, FRAMEFLEET_API_TOKEN: '' };
    const result = spawnSync(
      process.execPath,
      [CLI, 'server', '--host', '0.0.0.0', '--port', '0', '--data', h.dataDir],
      { env, encoding: 'utf8', timeout: 30_000 },
    );
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('refusing to listen on `0.0.0.0` without FRAMEFLEET_API_TOKEN');
  });
});
