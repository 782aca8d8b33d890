import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/engine/redis/connection.js';
import { RedisKeys } from '../../src/engine/redis/keys.js';
import type { JobEvent, JobRecord } from '../../src/engine/types.js';
import { REDIS_URL, uniquePrefix, until } from '../integration/redis-fixtures.js';
import { startServer, submitWaitingJob, type Harness } from './harness.js';

const MAX_BUFFER = 64 * 1024;

/** GET `target` over a raw socket: resolves with the socket and what came first (status line, headers...). */
function open(url: string, target: string): Promise<{ socket: Socket; first: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () =>
      socket.write(`GET ${target} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n\r\n`),
    );
    sockets.push(socket);
    socket.once('data', (chunk: Buffer) => resolve({ socket, first: chunk.toString() }));
    socket.once('error', reject);
  });
}

const sockets: Socket[] = [];

// An event stream wrote every event to a client that never read it: the server kept them all in
// memory, without limit (--max-event-streams capped the count of streams, not their bytes).
describe('an event stream whose client does not read', () => {
  const prefix = uniquePrefix('sse-backpressure');
  const logLines: string[] = [];
  let h: Harness;
  let job: JobRecord;
  beforeAll(async () => {
    h = await startServer({
      redis: { prefix },
      logLines,
      limits: { maxEventStreamsPerClient: 1, maxEventBufferBytes: MAX_BUFFER },
    });
    // No worker here has NVENC: the job waits, and its stream stays open.
    job = await submitWaitingJob(h, 'h264_nvenc');
  }, 60_000);
  afterAll(async () => {
    sockets.splice(0).forEach((s) => s.destroy());
    await h?.close();
  });

  it('is ended past --max-event-buffer-bytes, with one warn line, and its slot is given back', async () => {
    const target = `/v1/jobs/${job.id}/events`;
    const stalled = await open(h.url, target);
    expect(stalled.first).toMatch(/^HTTP\/1\.1 200 /);
    // From here it reads nothing: once Node's and the kernel's buffers are full, the server's grow.
    stalled.socket.pause();
    const closed = new Promise<void>((done) => stalled.socket.once('close', () => done()));
    stalled.socket.on('error', () => undefined);
    const refused = await open(h.url, target);
    expect(refused.first).toMatch(/^HTTP\/1\.1 429 /);
    refused.socket.destroy();

    // A busy job's progress, as workers publish it: about 100 KiB a message.
    const redis = connectRedis(REDIS_URL);
    const progress: JobEvent[] = Array.from({ length: 1000 }, (_, i) => ({
      type: 'progress',
      jobId: job.id,
      progress: i / 1000,
      fps: 123.456,
      etaSec: 1000 - i,
    }));
    const message = JSON.stringify(progress);
    const warned = () => logLines.some((l) => l.includes('"bufferedBytes"'));
    try {
      // At most 40 MiB: far past what the loopback socket's kernel buffers take.
      for (let i = 0; i < 400 && !warned(); i++) {
        await redis.publish(new RedisKeys(prefix).events, message);
        if (i % 10 === 9) await new Promise((r) => setTimeout(r, 20));
      }
      await until(warned, 8000, 'the server to end the stream');
    } finally {
      await redis.quit();
    }
    const warnings = logLines
      .map((l) => JSON.parse(l) as { level: number; jobId?: string; bufferedBytes?: number; msg: string })
      .filter((l) => l.bufferedBytes !== undefined);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 40, jobId: job.id });
    expect(warnings[0]!.bufferedBytes).toBeGreaterThan(MAX_BUFFER);
    expect(warnings[0]!.msg).toMatch(
      new RegExp(
        `^event stream of job \`${job.id}\` ended: \\d+ bytes waited for a client that does not read them \\(max-event-buffer-bytes ${MAX_BUFFER}\\)$`,
      ),
    );

    // The slot is back: the same client opens a stream again (--max-event-streams-per-client 1).
    const next = await open(h.url, target);
    expect(next.first).toMatch(/^HTTP\/1\.1 200 /);
    next.socket.destroy();
    // And the stalled stream is over: reading again, its client reaches the end of it.
    stalled.socket.resume();
    await Promise.race([
      closed,
      new Promise((_, fail) => setTimeout(() => fail(new Error('the stalled stream was not closed')), 5000)),
    ]);
  }, 20_000);
});
