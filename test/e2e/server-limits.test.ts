import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRecord } from '../../src/engine/types.js';
import { startServer, submitWaitingJob, type Harness } from './harness.js';

/** Polls until `check` passes, or fails naming `what`. */
async function until(check: () => Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A socket that has sent `head` (and maybe part of a body) and then says nothing more; resolves
 * a moment after, so the server has read what was sent before anything else arrives.
 */
function stalled(url: string, head: string): Promise<{ socket: Socket; answer: Promise<string> }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    let connected = false;
    const socket = connect(Number(port), hostname, () => {
      connected = true;
      socket.write(head);
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString()));
      const answer = new Promise<string>((done) => socket.on('close', () => done(text)));
      setTimeout(() => resolve({ socket, answer }), 300);
    });
    // Once connected, a reset or broken pipe (a server closing a connection over its cap as it
    // arrives) is the server's answer, which 'close' reports; only a failed connect is an error.
    socket.on('error', (error) => {
      if (!connected) reject(error);
    });
  });
}

// Nothing capped concurrent uploads or event streams, and no timeout ended a request that
// arrived slowly: a few clients could hold every upload slot, stream and socket for ever.
describe('server caps on uploads, event streams and slow requests', () => {
  let h: Harness;
  let job: JobRecord;
  beforeAll(async () => {
    // The request timeout is long here: a stalled upload holding the slot must outlive a loaded
    // machine's polling (the timeout itself is tested below, with a server of its own).
    // No upload rate minimum either (server-client-limits tests it): it would end the stall too.
    h = await startServer({
      workers: 0,
      limits: {
        ...{ maxUploads: 1, maxEventStreams: 2, headersTimeoutMs: 1000, requestTimeoutMs: 60_000 },
        minUploadBytesPerSecond: 0,
      },
    });
    // No slot to run its tasks on: the job stays queued, so its event stream stays open. (An encoder
    // no machine here has was not enough: the plan refused it once the smoke encode was known.)
    job = await submitWaitingJob(h);
  });
  afterAll(() => h.close());

  const upload = async () => {
    const response = await fetch(`${h.url}/v1/uploads?name=u.bin`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: 'small',
    });
    const body = (await response.json()) as {
      error?: { code: string; message: string; details?: Record<string, unknown> };
    };
    return { status: response.status, retryAfter: response.headers.get('retry-after'), ...body };
  };
  const stream = async () => {
    const abort = new AbortController();
    const response = await fetch(`${h.url}/v1/jobs/${job.id}/events`, { signal: abort.signal });
    if (response.status !== 200) {
      const body = (await response.json()) as {
        error: { code: string; message: string; details?: Record<string, unknown> };
      };
      return { status: response.status, retryAfter: response.headers.get('retry-after'), ...body, abort };
    }
    // Read the snapshot: the stream is open and counted.
    const reader = response.body!.getReader();
    await reader.read();
    return { status: 200, retryAfter: null, error: undefined, abort };
  };

  it('refuses an event stream past --max-event-streams (429) and takes one again when a client goes', async () => {
    const first = await stream();
    const second = await stream();
    expect([first.status, second.status]).toEqual([200, 200]);
    const third = await stream();
    expect(third.status).toBe(429);
    expect(third.error?.code).toBe('TOO_MANY_REQUESTS');
    expect(third.error?.message).toBe(
      '2 event streams are open, the most this server takes at once (max-event-streams 2); retry in a few seconds',
    );
    // The cap that refused, not the per-client one (16 by default, 2 open from this client).
    expect(third.error?.details).toMatchObject({ cap: 'max-event-streams', max: 2, open: 2 });
    expect(third.retryAfter).toBe('5');
    first.abort.abort();
    let next: Awaited<ReturnType<typeof stream>> | undefined;
    await until(async () => (next = await stream()).status === 200, 'a stream slot to free');
    next!.abort.abort();
    second.abort.abort();
  });

  it('refuses an upload past --max-uploads (429) and takes one again when the client aborts', async () => {
    const head = (n: number) =>
      `POST /v1/uploads?name=big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\nContent-Length: ${n}\r\n\r\n`;
    const holder = await stalled(h.url, `${head(1_000_000)}some bytes`);
    await until(async () => (await upload()).status === 429, 'the slot to be taken');
    const refused = await upload();
    expect(refused.error?.code).toBe('TOO_MANY_REQUESTS');
    expect(refused.error?.message).toBe(
      '1 upload is open, the most this server takes at once (max-uploads 1); retry in a few seconds',
    );
    expect(refused.error?.details).toMatchObject({ cap: 'max-uploads', max: 1, open: 1 });
    expect(refused.retryAfter).toBe('5');
    holder.socket.destroy();
    await until(async () => (await upload()).status === 201, 'the upload slot to free');
  });

  it('ends a request whose headers never finish after --headers-timeout-s (408)', async () => {
    const started = Date.now();
    const slow = await stalled(h.url, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    const answer = await slow.answer;
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(Date.now() - started).toBeLessThan(10_000);
    // Names the timeout that fired, with the headers every other JSON error carries.
    expect(answer).toMatch(/\r\ndate: \w{3}, \d{2} \w{3} \d{4} /i);
    expect(answer).toMatch(/\r\ncontent-type: application\/json; charset=utf-8\r\n/i);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toEqual({
      error: {
        code: 'REQUEST_TIMEOUT',
        message: 'request headers did not arrive within 1 s (headers-timeout-s 1); the connection was closed',
        details: { limit: 'headers-timeout-s', seconds: 1 },
      },
    });
  });
});

describe('server request timeout', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startServer({
      limits: { maxUploads: 1, headersTimeoutMs: 1000, requestTimeoutMs: 2000, minUploadBytesPerSecond: 0 },
    });
  });
  afterAll(() => h.close());

  const upload = async () =>
    (
      await fetch(`${h.url}/v1/uploads?name=u.bin`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: 'small',
      })
    ).status;

  it('ends an upload that stalls after --request-timeout-s (408), freeing its slot', async () => {
    const head = `POST /v1/uploads?name=slow.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000000\r\n\r\n`;
    const slow = await stalled(h.url, `${head}a trickle`);
    await until(async () => (await upload()) === 429, 'the slot to be taken');
    // Not closed by the client: the server's request timeout (2 s here) ends it.
    const answer = await slow.answer;
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toContain('"code":"REQUEST_TIMEOUT"');
    expect(answer).toContain('"message":"request did not arrive within 2 s (request-timeout-s 2);');
    expect(answer).toMatch(/\r\ndate: /i);
    // The slot comes back once the server has dropped the upload's stream (a moment after the 408).
    await until(async () => (await upload()) === 201, 'the upload slot to free after the 408');
  });
});

describe('server cap on connections', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startServer({ limits: { maxConnections: 3 } });
  });
  afterAll(() => h.close());

  it('closes connections past --max-connections at once, and takes them again when one goes', async () => {
    const held = await Promise.all([1, 2, 3].map(() => stalled(h.url, '')));
    const over = await stalled(h.url, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    expect(await over.answer).toBe('');
    held[0]!.socket.destroy();
    await held[0]!.answer;
    await until(async () => {
      const next = await stalled(
        h.url,
        'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n',
      );
      return (await next.answer).startsWith('HTTP/1.1 200');
    }, 'a connection to be taken');
    for (const s of held) s.socket.destroy();
  });
});

describe('per-client cap on connections', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startServer({ limits: { maxConnections: 20, maxConnectionsPerClient: 3 } });
  });
  afterAll(() => h.close());

  /** One GET /healthz from `localAddress`: its answer's status line, or '' when the socket closed unanswered. */
  const healthz = (localAddress: string) =>
    new Promise<string>((resolve) => {
      const socket = connect({ port: Number(new URL(h.url).port), host: '127.0.0.1', localAddress }, () =>
        socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'),
      );
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString()));
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(text.split('\r\n')[0] ?? ''));
    });

  it('closes a client past --max-connections-per-client at once, while another address is still answered', async () => {
    // One client stalls its headers on its every connection (each would live --headers-timeout-s).
    const held = await Promise.all([1, 2, 3].map(() => stalled(h.url, 'GET /healthz HTTP/1.1\r\n')));
    expect(await healthz('127.0.0.1')).toBe('');
    expect(await healthz('127.0.0.2')).toBe('HTTP/1.1 200 OK');
    held[0]!.socket.destroy();
    await held[0]!.answer;
    await until(async () => (await healthz('127.0.0.1')) === 'HTTP/1.1 200 OK', 'a connection to be taken');
    for (const s of held) s.socket.destroy();
  });
});
