import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type Harness } from './harness.js';

// Without a token (loopback) a page on another site could frame the dashboard and trick a click on
// its Cancel or Remove button: the framed page's own requests are same-origin, so the Host, Origin
// and Sec-Fetch-Site checks all pass. Every response forbids framing and type sniffing.
describe('no page of another site may frame the dashboard', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startServer();
  });
  afterAll(async () => h.close());

  it.each(['/', '/index.html', '/app.js', '/v1/jobs', '/healthz', '/no-such-route'])(
    'GET %s says frame-ancestors none, DENY and nosniff',
    async (route) => {
      const response = await fetch(`${h.url}${route}`);
      await response.arrayBuffer();
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    },
  );

  it('says so on a refusal too (a cross-site POST)', async () => {
    const response = await fetch(`${h.url}/v1/jobs`, { method: 'POST', body: 'x' });
    expect(response.status).toBe(403);
    expect(response.headers.get('x-frame-options')).toBe('DENY');
  });
});
