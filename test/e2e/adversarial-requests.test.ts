import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeTable } from '../../src/server/route-access.js';
import { startServer, type Harness } from './harness.js';
import { pathEncodings } from './path-encodings.js';
import { rawRequest } from './raw-http.js';

const TOKEN = 'adversarial-token';

/** Every file under a folder, recursively: proof that nothing was written. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => !e.isDirectory()).map((e) => path.join(e.parentPath, e.name));
}

describe('adversarial tier: the token holds on every route under every path encoding', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startServer({ token: TOKEN, workers: 0 });
  });
  afterAll(async () => {
    // Nothing ran and nothing was stored, whatever got through to a handler with the token.
    expect((await h.runtime.backend.list()).total).toBe(0);
    expect(await filesUnder(h.dataDir)).toEqual([]);
    await h.close();
  });

  it('enumerates the routes from the server itself, all private but /healthz and the dashboard', async () => {
    const table = routeTable(h.app);
    const publicRoutes = [...new Set(table.filter((r) => r.public).map((r) => r.url))].sort();
    // The dashboard's static shell, one route a file (no wildcard), and the player library it loads
    // (no data in either).
    const files = (await readdir('web', { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => `/${path.relative('web', path.join(e.parentPath, e.name))}`);
    expect(publicRoutes).toEqual(['/', ...files, '/healthz', '/vendor/hls.min.js'].sort());
    const privateRoutes = table.filter((r) => !r.public);
    for (const url of ['/v1/jobs', '/v1/jobs/:id', '/v1/uploads', '/metrics', '/readyz']) {
      expect(privateRoutes.some((r) => r.url === url)).toBe(true);
    }
  });

  // The dashboard's wildcard route took every path no other route matched, without the token: an
  // unknown /v1/... answered 404 where a real one answered 401, so routes could be listed.
  it('answers 401 without the token for a path that matches no route', async () => {
    for (const target of ['/v1/jobsX', '/v1/jobs/', '/v1/nothing', '/admin', '/index.htm', '/pages/']) {
      const anonymous = await rawRequest(h.url, { method: 'GET', target, headers: {} });
      expect(anonymous.status, target).toBe(401);
      const authorised = await rawRequest(h.url, {
        method: 'GET',
        target,
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect([400, 404], target).toContain(authorised.status);
    }
  });

  it('refuses 401 every request without the token that would reach a handler with it', async () => {
    const routes = routeTable(h.app).filter((r) => !r.public);
    let refused = 0;
    const surprises: string[] = [];
    for (const route of routes) {
      const concrete = route.url.replace(/:\w+/g, 'nojob');
      await Promise.all(
        pathEncodings(concrete, h.url).map(async ([name, target]) => {
          const request = { method: route.method, target, headers: { 'x-requested-with': 'test' } };
          const [anonymous, authorised] = await Promise.all([
            rawRequest(h.url, request),
            rawRequest(h.url, {
              ...request,
              headers: { ...request.headers, authorization: `Bearer ${TOKEN}` },
            }),
          ]);
          const what = `${route.method} ${target} (${route.url}, ${name}): ${anonymous.status} ${anonymous.body.slice(0, 80)}`;
          // Reached no handler even with the token: the router found no route for this spelling.
          const noRoute =
            authorised.status === 404 &&
            (route.method === 'HEAD' || authorised.error?.message.startsWith('no route '));
          const badPath =
            authorised.status === 400 &&
            (route.method === 'HEAD' || authorised.error?.code === 'BAD_REQUEST');
          if (anonymous.status === 401) {
            expect(anonymous.error?.code, what).toBe(route.method === 'HEAD' ? undefined : 'UNAUTHORIZED');
            refused++;
          } else if (!(noRoute || badPath) || ![400, 404].includes(anonymous.status)) {
            surprises.push(what);
          }
          // Spellings the router decodes to this very route must be refused.
          if (name === 'as registered' || name.startsWith('character ') || name.startsWith('every ')) {
            if (anonymous.status !== 401) surprises.push(`not refused: ${what}`);
          }
        }),
      );
    }
    expect(surprises).toEqual([]);
    // Each route's own path, each single-character and each full encoding of it was refused.
    expect(refused).toBeGreaterThan(routes.length * 10);
  });
});

describe('adversarial tier: without a token, only this machine, and only same-site writes', () => {
  let h: Harness;
  let host = '';
  beforeAll(async () => {
    h = await startServer({ workers: 0 });
    host = new URL(h.url).host;
  });
  afterAll(async () => {
    // Nothing ran; the one upload is the same-origin control below.
    expect((await h.runtime.backend.list()).total).toBe(0);
    const uploads = await filesUnder(path.join(h.dataDir, 'uploads'));
    expect(uploads.map((f) => path.basename(f))).toEqual(['control.mp4']);
    await h.close();
  });

  it('refuses every route under a foreign Host header (DNS rebinding)', async () => {
    const port = new URL(h.url).port;
    const foreign = [
      `evil.example:${port}`,
      'evil.example',
      `localhost.evil.example:${port}`,
      `127.0.0.1.nip.io:${port}`,
      `[::ffff:7f00:1]:${port}`,
      `user@127.0.0.1:${port}`,
      '',
    ];
    for (const route of routeTable(h.app)) {
      const target = route.url.replace(/:\w+/g, 'nojob').replace('*', 'index.html');
      for (const name of foreign) {
        const response = await rawRequest(h.url, {
          method: route.method,
          target,
          headers: { host: name, 'x-requested-with': 'test' },
        });
        expect(response.status, `${route.method} ${target} Host: ${name}`).toBe(403);
        if (route.method !== 'HEAD') expect(response.error?.code).toBe('HOST_FORBIDDEN');
      }
    }
    // The authority of an absolute-form target is the request's host, whatever Host says
    // (RFC 9112 3.2.2): found by the server attack, it was answered by the Host header alone.
    for (const target of [
      `http://evil.example:${port}/v1/jobs`,
      'http://evil.example/v1/uploads?name=x.mp4',
    ]) {
      const response = await rawRequest(h.url, { method: 'GET', target, headers: { host } });
      expect(response.status, target).toBe(403);
      expect(response.error?.code, target).toBe('HOST_FORBIDDEN');
    }
    const absolute = await rawRequest(h.url, { target: `http://${host}/v1/jobs`, headers: { host } });
    expect(absolute.status).toBe(200);
    for (const name of [
      `localhost:${port}`,
      `LOCALHOST:${port}`,
      `127.0.0.2:${port}`,
      `[::1]:${port}`,
      host,
    ]) {
      expect((await rawRequest(h.url, { target: '/v1/jobs', headers: { host: name } })).status, name).toBe(
        200,
      );
    }
  });

  it.each([
    ['a cross-site upload as text/plain', 'POST', '/v1/uploads?name=x.mp4', { 'content-type': 'text/plain' }],
    [
      'an upload as a form',
      'POST',
      '/v1/uploads?name=x.mp4',
      { 'content-type': 'multipart/form-data; boundary=x' },
    ],
    [
      'an upload from another Origin',
      'POST',
      '/v1/uploads?name=x.mp4',
      { 'content-type': 'application/octet-stream', origin: 'http://evil.example' },
    ],
    [
      'an upload the browser marks cross-site',
      'POST',
      '/v1/uploads?name=x.mp4',
      { 'content-type': 'application/octet-stream', 'sec-fetch-site': 'cross-site' },
    ],
    [
      'an upload from an opaque origin',
      'POST',
      '/v1/uploads?name=x.mp4',
      { 'content-type': 'video/mp4', origin: 'null' },
    ],
    ['a retry with no body', 'POST', '/v1/jobs/nojob/retry', {}],
    [
      'a retry as a form',
      'POST',
      '/v1/jobs/nojob/retry',
      { 'content-type': 'application/x-www-form-urlencoded' },
    ],
    ['a job as text/plain JSON', 'POST', '/v1/jobs', { 'content-type': 'text/plain' }],
    [
      'a cancel from another Origin',
      'DELETE',
      '/v1/jobs/nojob',
      { 'x-requested-with': 'x', origin: 'http://evil.example' },
    ],
    ['a cancel with no marker', 'DELETE', '/v1/jobs/nojob', {}],
  ])('refuses %s (CROSS_SITE_FORBIDDEN)', async (_name, method, target, headers) => {
    const response = await rawRequest(h.url, {
      method,
      target,
      headers,
      body: method === 'POST' ? JSON.stringify({ type: 'transcode', spec: {} }) : undefined,
    });
    expect(response.status).toBe(403);
    expect(response.error?.code).toBe('CROSS_SITE_FORBIDDEN');
  });

  it('still takes a same-origin upload (the dashboard) and JSON from scripts', async () => {
    const upload = await rawRequest(h.url, {
      method: 'POST',
      target: '/v1/uploads?name=control.mp4',
      headers: { 'content-type': 'application/octet-stream', origin: h.url, 'sec-fetch-site': 'same-origin' },
      body: 'bytes',
    });
    expect(upload.status, upload.body).toBe(201);
    const retry = await rawRequest(h.url, {
      method: 'POST',
      target: '/v1/jobs/nojob/retry',
      headers: { 'x-requested-with': 'framefleet-dashboard' },
    });
    expect(retry.error?.code).toBe('NOT_FOUND');
  });
});
