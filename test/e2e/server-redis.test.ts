import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/engine/redis/connection.js';
import type { JobRecord } from '../../src/engine/types.js';
import { probe } from '../../src/media/probe.js';
import { REDIS_URL, uniquePrefix } from '../integration/redis-fixtures.js';
import { readSse, startServer } from './harness.js';
import { sampleClip } from '../helpers/media.js';

// `framefleet server --redis URL --with-worker`: the API over the fleet engine, with a real Redis,
// a worker in the same process, and the shared storage on disk.
describe('server on the Redis fleet engine', () => {
  const prefix = uniquePrefix('server-redis');
  let dir: string;
  let url: string;
  let clip: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ dir, url, close } = await startServer({ redis: { prefix } }));
    clip = path.join(dir, 'in', 'clip.mp4');
    await sampleClip({ path: clip, width: 160, height: 90, fps: 25, scenes: [1, 1] });
  }, 60_000);

  afterAll(() => close?.());

  it('runs a job through the fleet, streams it to completion, and shows the worker and metrics', async () => {
    const output = path.join(dir, 'out', 'clip.mp4');
    const submit = await fetch(`${url}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'transcode', spec: { input: clip, output, segments: 3, preset: 'fast' } }),
    });
    expect(submit.status).toBe(202);
    const job = (await submit.json()) as JobRecord;

    const events = await readSse(`${url}/v1/jobs/${job.id}/events`);
    expect(events[0]?.event).toBe('snapshot');
    expect(events.at(-1)?.event).toBe('done');
    const done = events.at(-1)!.data as JobRecord;
    expect(done.state).toBe('done');
    const finished = events.filter(
      (e) => e.event === 'task' && (e.data as { state: string }).state === 'done',
    );
    expect(finished.length).toBe(done.tasks.length);
    expect(done.tasks.every((t) => t.state === 'done' && t.worker)).toBe(true);
    expect((await probe(output)).video?.frameCount).toBe(50);

    const nodes = (await (await fetch(`${url}/v1/nodes`)).json()) as {
      nodes: { live: boolean; slots: { cpu: number } }[];
    };
    expect(nodes.nodes).toHaveLength(1);
    expect(nodes.nodes[0]).toMatchObject({ live: true, slots: { cpu: 2 } });

    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(
      /framefleet_task_duration_seconds_count\{kind="transcode.segment",pool="ff.cpu"\} 3/,
    );
    expect(metrics).toMatch(/framefleet_workers\S* 1/);

    // A missing input is refused at the door with a stable code, before anything is queued.
    const bad = await fetch(`${url}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'transcode', spec: { input: path.join(dir, 'in', 'nope.mp4'), output } }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('INPUT_NOT_FOUND');
  }, 120_000);

  it('ends an event stream with an error event when the finished job cannot be read', async () => {
    // Found by the server attack: the stream's final read ran detached, and its rejection (a record
    // Redis holds that does not parse) was unhandled, which ends a Node process.
    const submit = await fetch(`${url}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      // No worker here has NVENC: the job waits, not terminal, while the stream opens.
      body: JSON.stringify({
        type: 'transcode',
        spec: { input: clip, output: path.join(dir, 'out', 'waits.mp4'), encoder: 'h264_nvenc' },
      }),
    });
    expect(submit.status).toBe(202);
    const { id } = (await submit.json()) as JobRecord;
    const redis = connectRedis(REDIS_URL);
    try {
      const response = await fetch(`${url}/v1/jobs/${id}/events`);
      const reader = response.body!.getReader();
      let text = new TextDecoder().decode((await reader.read()).value);
      while (!text.includes('event: snapshot')) text += new TextDecoder().decode((await reader.read()).value);
      await redis.rpush(`${prefix}:failures:${id}`, 'not json');
      await redis.publish(`${prefix}:job-events`, JSON.stringify({ type: 'job', jobId: id, state: 'done' }));
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) break;
        text += new TextDecoder().decode(chunk.value);
      }
      expect(text).toContain('event: error');
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    } finally {
      await redis.lrem(`${prefix}:failures:${id}`, 0, 'not json');
      await redis.quit();
      await fetch(`${url}/v1/jobs/${id}`, { method: 'DELETE', headers: { 'x-requested-with': 'test' } });
    }
  });
});
