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

  it('enumerates the routes from the server itself, all private but /healthz and the dashboard', () => {
    const table = routeTable(h.app);
    const publicRoutes = [...new Set(table.filter((r) => r.public).map((r) => r.url))].sort();
    expect(publicRoutes).toEqual(['/*', '/healthz']);
    const privateRoutes = table.filter((r) => !r.public);
    for (const url of ['/v1/jobs', '/v1/jobs/:id', '/v1/uploads', '/metrics', '/readyz']) {
      expect(privateRoutes.some((r) => r.url === url)).toBe(true);
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
