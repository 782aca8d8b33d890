import { request as httpRequest, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRecord } from '../../src/engine/types.js';
import { startServer, submitWaitingJob, type Harness } from './harness.js';

/** On Linux all of 127.0.0.0/8 is loopback: a second client address without a second machine. */
const OTHER_CLIENT = '127.0.0.2';

interface Answer {
  status: number;
  retryAfter: string | undefined;
  error: { code: string; message: string; details?: Record<string, unknown> } | undefined;
  response: IncomingMessage;
}

/**
 * One request from `localAddress` over its own connection. For a 200 it resolves at the first
 * bytes of the body and leaves the response open (an event stream holds its slot until destroyed).
 */
function send(
  url: string,
  target: string,
  options: { method?: string; body?: string; localAddress?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${url}${target}`,
      {
        method: options.method ?? 'GET',
        localAddress: options.localAddress,
        agent: false,
        headers: options.body === undefined ? {} : { 'content-type': 'application/octet-stream' },
      },
      (response) => {
        const answer = (error: Answer['error']) =>
          resolve({
            status: response.statusCode ?? 0,
            retryAfter: response.headers['retry-after'],
            error,
            response,
          });
        if (response.statusCode === 200) {
          response.once('data', () => answer(undefined));
          return;
        }
        let text = '';
        response.on('data', (d: Buffer) => (text += d.toString()));
        response.on('end', () => {
          try {
            answer((JSON.parse(text) as { error?: Answer['error'] }).error);
          } catch {
            answer(undefined);
          }
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A raw upload that sends its head and `first`, then `drip` every `everyMs` (never all it declares). */
function trickle(url: string, options: { first: string; drip?: string; everyMs?: number }) {
  const { hostname, port } = new URL(url);
  const head = `POST /v1/uploads?name=slow.bin HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000000\r\n\r\n`;
  const socket: Socket = connect(Number(port), hostname);
  opened.push(socket);
  let text = '';
  socket.on('data', (d: Buffer) => (text += d.toString()));
  // The server closes after answering while we may still write: its answer is what counts.
  socket.on('error', () => undefined);
  socket.write(head + options.first);
  const timer =
    options.drip === undefined
      ? undefined
      : setInterval(() => socket.writable && socket.write(options.drip!), options.everyMs ?? 200);
  const answer = new Promise<string>((done) =>
    socket.on('close', () => {
      clearInterval(timer);
      done(text);
    }),
  );
  return { socket, answer };
}

/** Every trickling socket, destroyed before a server closes (its close waits for open requests). */
const opened: Socket[] = [];
const closeAll = () => opened.splice(0).forEach((s) => s.destroy());

async function until(check: () => Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every file and folder under `dir`, relative to it. */
async function tree(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).map(String).sort();
}

// Only per-server caps existed: one client address could take every upload slot and every event
// stream, and everyone else got 429 until it let go.
describe('per-client caps on uploads and event streams', () => {
  let h: Harness;
  let job: JobRecord;
  beforeAll(async () => {
    h = await startServer({
      workers: 0,
      limits: {
        ...{ maxUploads: 4, maxUploadsPerClient: 1, maxEventStreams: 8, maxEventStreamsPerClient: 1 },
        // No rate minimum here: the held upload must stay held while the other client is served.
        ...{ minUploadBytesPerSecond: 0, requestTimeoutMs: 60_000 },
      },
    });
    // No slot to run its tasks on: the job stays queued, so its event stream stays open. (An encoder
    // no machine here has was not enough: the plan refused it once the smoke encode was known.)
    job = await submitWaitingJob(h);
  });
  afterAll(async () => {
    closeAll();
    await h.close();
  });

  const upload = (localAddress?: string) =>
    send(h.url, '/v1/uploads?name=u.bin', { method: 'POST', body: 'small', localAddress });

  it('refuses a second upload from one address (429 naming the cap) while another address uploads', async () => {
    const holder = trickle(h.url, { first: 'some bytes' });
    await until(async () => (await upload()).status === 429, 'the client to hold its one upload');
    const refused = await upload();
    expect(refused.status).toBe(429);
    expect(refused.retryAfter).toBe('5');
    expect(refused.error).toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      message:
        '1 upload is open from 127.0.0.1, the most one client may have (max-uploads-per-client 1); retry in a few seconds',
      details: { cap: 'max-uploads-per-client', max: 1, open: 1, client: '127.0.0.1' },
    });
    // Three server-wide slots are still free: another client is served.
    expect((await upload(OTHER_CLIENT)).status).toBe(201);
    holder.socket.destroy();
    await holder.answer;
    await until(async () => (await upload()).status === 201, 'the client to get its slot back');
  });

  it('refuses a second event stream to one address (429 naming the cap) while another address streams', async () => {
    const events = `/v1/jobs/${job.id}/events`;
    const first = await send(h.url, events);
    expect(first.status).toBe(200);
    const refused = await send(h.url, events);
    expect(refused.status).toBe(429);
    expect(refused.retryAfter).toBe('5');
    expect(refused.error?.message).toBe(
      '1 event stream is open from 127.0.0.1, the most one client may have (max-event-streams-per-client 1); retry in a few seconds',
    );
    const other = await send(h.url, events, { localAddress: OTHER_CLIENT });
    expect(other.status).toBe(200);
    first.response.destroy();
    other.response.destroy();
    let next: Answer | undefined;
    await until(async () => (next = await send(h.url, events)).status === 200, 'a stream slot to free');
    next!.response.destroy();
  });
});

// A client trickling an upload (a few bytes a second) held its slot until --request-timeout-s,
// 30 minutes by default.
describe('minimum upload rate', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startServer({
      limits: {
        ...{ maxUploads: 1, maxUploadsPerClient: 1, requestTimeoutMs: 60_000 },
        ...{ minUploadBytesPerSecond: 64 * 1024, uploadRateWindowMs: 1000, uploadRateGraceMs: 500 },
      },
    });
  });
  afterAll(async () => {
    closeAll();
    await h.close();
  });

  it('ends a trickled upload with 408, leaves no file behind and frees the slot', async () => {
    const uploads = h.runtime.storage.localPath?.('uploads');
    if (!uploads) throw new Error('the local engine stores uploads on disk');
    const before = await tree(uploads);
    const started = Date.now();
    const slow = trickle(h.url, { first: 'x'.repeat(1000), drip: 'y'.repeat(100), everyMs: 100 });
    const answer = await Promise.race([
      slow.answer,
      new Promise<string>((r) => setTimeout(() => r('no answer within 8 s'), 8000)),
    ]);
    slow.socket.destroy();
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toContain('"code":"REQUEST_TIMEOUT"');
    expect(answer).toMatch(/below the minimum of 64 KiB\/s \(min-upload-kib-per-s\)/);
    expect(Date.now() - started).toBeLessThan(8000);
    // Neither the temporary file nor the upload's folder is left.
    expect(await tree(uploads)).toEqual(before);
    // The slot was given back before the 408 went out.
    const next = await send(h.url, '/v1/uploads?name=u.bin', { method: 'POST', body: 'x'.repeat(2_000_000) });
    expect(next.status).toBe(201);
  });
});
