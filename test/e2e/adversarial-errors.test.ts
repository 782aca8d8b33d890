import { gzipSync } from 'node:zlib';
import { connect } from 'node:net';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type Harness } from './harness.js';
import { rawRequest } from './raw-http.js';

const SECRET = 'hunter2-s3cr3t';

/** Sends bytes as they are and reads until the server closes; `halfClose` ends our side first. */
function rawBytes(url: string, text: string, halfClose: boolean): Promise<string> {
  const { port, hostname } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let out = '';
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer')));
    socket.on('data', (d: Buffer) => (out += d.toString()));
    socket.on('close', () => resolve(out));
    socket.on('error', reject);
    socket.write(text);
    if (halfClose) socket.end();
  });
}

const errorOf = (http: string) => JSON.parse(http.slice(http.indexOf('\r\n\r\n') + 4)) as unknown;

describe('adversarial tier: every bad request gets a short catalogue error, and nothing runs', () => {
  let h: Harness;
  let origin: Server;
  let originUrl = '';
  let originHits = 0;
  const logLines: string[] = [];
  const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
    rawRequest(h.url, {
      method: 'POST',
      target: '/v1/jobs',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });

  beforeAll(async () => {
    origin = createServer((request, response) => {
      if (request.url === '/broken.mp4') {
        // Promises 100,000 bytes, sends 10 and hangs up.
        response.writeHead(200, { 'content-length': 100_000 });
        response.write('0123456789', () => response.socket?.destroy());
        return;
      }
      originHits++;
      response.writeHead(404).end();
    });
    await new Promise<void>((r) => origin.listen(0, '127.0.0.1', r));
    originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
    h = await startServer({ workers: 0, allowHosts: ['127.0.0.1'], logLines });
  });
  afterAll(async () => {
    expect((await h.runtime.backend.list()).total).toBe(0);
    // One short line per request, whatever was sent; no secret from a URL reached the log.
    expect(logLines.length).toBeGreaterThan(20);
    const longest = Math.max(...logLines.map((l) => l.length));
    expect(longest).toBeLessThan(1500);
    expect(logLines.join('\n')).not.toContain(SECRET);
    expect(logLines.join('\n')).not.toContain('x'.repeat(300));
    origin.close();
    await h.close();
  });

  it.each([
    [
      '5,000 nested arrays as the spec',
      `{"type":"transcode","spec":${'['.repeat(5000)}${']'.repeat(5000)}}`,
      'INVALID_JSON',
    ],
    ['5,000 nested objects', `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`, 'INVALID_JSON'],
    [
      'a 900 KB wrong-typed value',
      JSON.stringify({
        type: 'transcode',
        spec: { input: '/a.mp4', output: '/b.mp4', segments: 'x'.repeat(900_000) },
      }),
      'INVALID_SPEC',
    ],
    ['a 900 KB job type', JSON.stringify({ type: 'x'.repeat(900_000), spec: {} }), 'INVALID_SPEC'],
    [
      'a 900 KB path',
      JSON.stringify({ type: 'transcode', spec: { input: `/${'x'.repeat(900_000)}.mp4`, output: '/b.mp4' } }),
      'INVALID_SPEC',
    ],
    [
      'a 900 KB unknown field',
      JSON.stringify({ type: 'transcode', spec: { ['x'.repeat(900_000)]: 1 } }),
      'INVALID_SPEC',
    ],
    ['invalid JSON', '{"type":', 'INVALID_JSON'],
    ['an empty JSON body', '', 'INVALID_JSON'],
    ['prototype poisoning', '{"__proto__":{"admin":true}}', 'INVALID_JSON'],
  ])('refuses %s with a short 400', async (_name, body, code) => {
    const response = await post(body);
    expect(response.status).toBe(400);
    expect(response.error?.code).toBe(code);
    expect(response.error!.message.length).toBeLessThan(400);
    expect(Object.keys(JSON.parse(response.body) as object)).toEqual(['error']);
  });

  // A new user's trial: a key given twice was taken silently, the last one winning.
  // The layers are a oneOf told apart by `type`: every layer but a text one was refused for lacking
  // the text layer's `text`, whatever was wrong with it.
  it.each([
    [
      'a box with a colour name',
      { type: 'box', x: 0, y: 0, width: 10, height: 10, color: 'red' },
      /layers\.0\.color.*red/,
    ],
    [
      'an image whose path is a number',
      { type: 'image', path: 5, x: 0, y: 0, width: 10, height: 10 },
      /layers\.0\.path/,
    ],
    [
      'a progress bar going up',
      { type: 'progress', x: 0, y: 0, width: 10, height: 10, color: '#fff', direction: 'up' },
      /layers\.0\.direction.*up/,
    ],
    ['a layer of no known type', { type: 'circle', x: 0, y: 0 }, /layers\.0\.type.*circle/],
  ])('refuses a render layer for what is wrong with it: %s', async (_, layer, message) => {
    const output = path.join(h.outputDir, 'layer.mp4');
    const spec = { width: 160, height: 120, output, scenes: [{ duration: 1, layers: [layer] }] };
    const res = await post(JSON.stringify({ type: 'render', spec }));
    expect(res.status).toBe(400);
    const { error } = JSON.parse(res.body) as { error: { code: string; message: string } };
    expect(error.code, error.message).toBe('INVALID_SPEC');
    expect(error.message).toMatch(message);
    expect(error.message).not.toMatch(/required property 'text'/);
  });

  it('refuses a key given twice in one object, naming it and where', async () => {
    const response = await post('{"type":"transcode","spec":{"input":"/a.mp4","segments":2,"segments":8}}');
    expect([response.status, response.error]).toEqual([
      400,
      {
        code: 'INVALID_JSON',
        message:
          'request body has the key `segments` twice in one object (at spec): JSON keeps only the last, so give it once',
      },
    ]);
  });

  // A new user's trial: valid JSON with a `__proto__` key was called "not valid JSON".
  it.each([
    '{"__proto__":{"admin":true}}',
    '{"type":"transcode","spec":{"constructor":{"prototype":{"x":1}}}}',
  ])('says what is wrong with a poisoned body: %s', async (body) => {
    const response = await post(body);
    expect(response.status).toBe(400);
    expect(response.error).toMatchObject({
      code: 'INVALID_JSON',
      message: 'request body has a `__proto__` or `constructor.prototype` key, which no request takes',
    });
    expect((await post('{"type":')).error?.message).toBe('request body is not valid JSON');
  });

  it.each([
    ['an unknown encoder', { encoder: 'libx264 -vf drawtext=textfile=/etc/passwd' }, 'UNKNOWN_ENCODER'],
    ['a family without the codec', { encoder: 'svtav1' }, 'UNKNOWN_ENCODER'],
    ['an unsupported output extension', { output: 'OUT/a.avi' }, 'INVALID_SPEC'],
    ['a 5,000-character output name', { output: `OUT/${'n'.repeat(5000)}.mp4` }, 'INVALID_SPEC'],
    ['a 300-byte output name', { output: `OUT/${'n'.repeat(296)}.mp4` }, 'INVALID_SPEC'],
    // A name the CLI would print as two lines of stdout (found by a new user's trial).
    ['a line break in the output name', { output: 'OUT/a\nb.mp4' }, 'INVALID_SPEC'],
    ['an escape sequence in the output name', { output: 'OUT/a\u001b[2Jb.mkv' }, 'INVALID_SPEC'],
  ])('refuses %s at submit, before anything is queued', async (_name, change, code) => {
    const spec = {
      input: path.join(h.inputDir, 'in.mp4'),
      output: path.join(h.outputDir, 'o.mp4'),
      ...change,
    };
    if (typeof spec.output === 'string') spec.output = spec.output.replace('OUT', h.outputDir);
    const response = await post(JSON.stringify({ type: 'transcode', spec }));
    expect(response.status, response.body).toBe(400);
    expect(response.error?.code).toBe(code);
  });

  it('maps framework errors into the catalogue: bad %ff path, 431, false Content-Length, media type, garbage', async () => {
    const badPath = await rawRequest(h.url, { target: '/v1/jobs/%ff' });
    expect([badPath.status, badPath.error?.code]).toEqual([400, 'BAD_REQUEST']);
    // A framework's bare "Forbidden" names the path it refuses (a new user's trial: it named nothing).
    // Dot segments match no route (the dashboard's files are one route each, no wildcard).
    const dots = await rawRequest(h.url, { target: '/%2e%2e/x' });
    expect([dots.status, dots.error]).toEqual([
      404,
      { code: 'NOT_FOUND', message: 'no route GET `/%2e%2e/x`' },
    ]);
    const bigHeader = await rawRequest(h.url, {
      target: '/v1/jobs',
      headers: { 'x-big': 'a'.repeat(20_000) },
    });
    expect([bigHeader.status, bigHeader.error?.code]).toEqual([431, 'HEADERS_TOO_LARGE']);
    // Written by the parser's refusal, not by a reply: the frame headers came with no such answer.
    expect(bigHeader.headers).toMatchObject({
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "frame-ancestors 'none'",
    });
    const xml = await post('<job/>', { 'content-type': 'application/xml' });
    expect([xml.status, xml.error?.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    // JSON sent as text/plain (a script's marker header let it past the cross-site guard) is no JSON.
    const text = await post('{"type":"transcode","spec":{}}', {
      'content-type': 'text/plain',
      'x-requested-with': 'x',
    });
    expect([text.status, text.error?.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    // A compressed body is refused by its encoding (it was read as plain text: "not valid JSON").
    const gzipped = await post(gzipSync('{"type":"transcode","spec":{}}'), {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expect([gzipped.status, gzipped.error]).toEqual([
      415,
      {
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: 'Content-Encoding `gzip` is not accepted: send the request body uncompressed',
      },
    ]);
    const { host } = new URL(h.url);
    const head = (length: number) =>
      `POST /v1/jobs HTTP/1.1\r\nHost: ${host}\r\ncontent-type: application/json\r\ncontent-length: ${length}\r\nconnection: close\r\n\r\n`;
    // A body shorter than its Content-Length, then the client hangs up its side.
    const short = await rawBytes(h.url, `${head(100)}{"type":1}`, true);
    expect(short).toMatch(/^HTTP\/1\.1 400 /);
    expect(errorOf(short)).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    // A body longer than its Content-Length: the rest is not a request.
    const long = await rawBytes(h.url, `${head(2)}{}${'x'.repeat(50)}`, false);
    expect(long).toMatch(/^HTTP\/1\.1 400 /);
    expect(errorOf(long.slice(long.lastIndexOf('HTTP/1.1')))).toMatchObject({
      error: { code: expect.any(String) },
    });
    const garbage = await rawBytes(h.url, 'NOT HTTP\r\n\r\n', false);
    expect(errorOf(garbage)).toMatchObject({ error: { code: 'BAD_REQUEST' } });
  });

  it('answers an HTTP/1.1 request without a Host header in JSON too', async () => {
    // Found by the server attack: Node answered it itself, a 400 with an empty body.
    const answer = await rawBytes(h.url, 'GET /v1/jobs HTTP/1.1\r\nConnection: close\r\n\r\n', false);
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(errorOf(answer)).toMatchObject({ error: { code: 'BAD_REQUEST' } });
  });

  it('never echoes credentials or query strings of a URL input, in answers or logs', async () => {
    const origin = new URL(originUrl);
    for (const [input, echoed] of [
      [`http://admin:${SECRET}@${origin.host}/a.mp4`, true],
      [`${originUrl}/a.mp4?X-Amz-Signature=${SECRET}`, true],
      [`ftp://admin:${SECRET}@${origin.host}/a.mp4?${SECRET}`, true],
      [`http://evil.example/a.mp4?token=${SECRET}`, false], // refused by host, the URL is not quoted
    ] as const) {
      const response = await post(
        JSON.stringify({ type: 'transcode', spec: { input, output: path.join(h.outputDir, 'o.mp4') } }),
      );
      expect(response.status, input).toBeGreaterThanOrEqual(400);
      expect(response.body, input).not.toContain(SECRET);
      if (echoed) expect(response.error?.message, input).toContain('[redacted]');
    }
    expect(originHits).toBe(1); // only the URL without credentials was fetched, and it 404'd
  });

  it('logs a request target without query values no route reads (a token put in the URL)', async () => {
    // Found by the attacker's trial: fastify's request log wrote `?token=<secret>` as sent.
    for (const target of [
      `/v1/jobs?token=${SECRET}&limit=5`,
      `/v1/jobs?${SECRET}`,
      `/?access_token=${SECRET}`,
      `/v1/jobs/%ff?token=${SECRET}`,
      `/v1/jobs?limit=${SECRET}&state=queued`,
    ]) {
      await rawRequest(h.url, { target });
    }
    const urls = logLines
      .map((line) => (JSON.parse(line) as { req?: { url?: string } }).req?.url)
      .filter((url) => url !== undefined);
    expect(urls).toContain('/v1/jobs?[redacted]&limit=5');
    expect(urls).toContain('/v1/jobs?[redacted]');
    expect(urls).toContain('/?[redacted]');
    expect(urls).toContain('/v1/jobs?[redacted]&state=queued');
    expect(urls.join('\n')).not.toContain(SECRET);
    // The refusal of `limit=<secret>` names the field and the rule, not the value.
    expect(logLines.join('\n')).toMatch(/`querystring\.limit` must .*, got \[redacted\]/);
  });

  it('a download the origin breaks off is a 400, and the server keeps serving', async () => {
    // Found by the server attack: the body's error was emitted before storage listened, and the
    // unhandled 'error' event ended the server process.
    const response = await post(
      JSON.stringify({
        type: 'transcode',
        spec: { input: `${originUrl}/broken.mp4`, output: path.join(h.outputDir, 'o.mp4') },
      }),
    );
    expect(response.status, response.body).toBe(400);
    expect(response.error?.code).toBe('INPUT_NOT_FOUND');
    expect(response.error?.message).toContain('broke off');
    expect((await rawRequest(h.url, { target: '/healthz' })).status).toBe(200);
  });
});
