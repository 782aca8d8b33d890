import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type Harness } from './harness.js';

// Every URL input was downloaded at submit with the upload limit each, however many a spec named:
// a render's 2000 narration tracks or a montage's 512 clips, each up to --max-upload-mb, from one
// request. A submit's downloads now share one limit, and a refused submit leaves none behind.
describe('the URL inputs of one submit share the upload limit', () => {
  let h: Harness;
  let origin: string;
  let originServer: Server;
  let hits = 0;

  beforeAll(async () => {
    h = await startServer({ allowHosts: ['127.0.0.1'], maxUploadBytes: 64 * 1024 });
    originServer = createServer((_request, response) => {
      hits++;
      response.end(Buffer.alloc(40 * 1024));
    });
    await new Promise<void>((r) => originServer.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(originServer.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    originServer.close();
    await h.close();
  });

  it('refuses a render whose narration URLs together exceed the limit (413), keeping none of them', async () => {
    const response = await fetch(`${h.url}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'render',
        spec: {
          output: path.join(h.outputDir, 'r.mp4'),
          width: 160,
          height: 120,
          scenes: [{ duration: 1 }],
          audio: { narration: ['a', 'b', 'c'].map((n) => ({ path: `${origin}/${n}.wav` })) },
        },
      }),
    });
    const body = (await response.json()) as { error?: { code: string; message: string } };
    expect(response.status, JSON.stringify(body)).toBe(413);
    expect(body.error?.code).toBe('PAYLOAD_TOO_LARGE');
    // The first fit (40 KB of 64), the second broke the limit, the third was never asked for.
    expect(hits).toBe(2);
    expect(await readdir(path.join(h.dataDir, 'uploads'))).toEqual([]);
    expect((await h.runtime.backend.list()).total).toBe(0);
  });
});
