import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTROL_QUEUE } from '../../src/engine/redis/keys.js';
import type { RedisBackend } from '../../src/engine/redis/redis-backend.js';
import type { JobRecord } from '../../src/engine/types.js';
import type { SampleClip } from '../../src/media/generate.js';
import { probe } from '../../src/media/probe.js';
import { uniquePrefix } from '../integration/redis-fixtures.js';
import { until } from '../helpers/processes.js';
import { startServer } from './harness.js';
import { clipOf, retry, segments, settled } from './retry-client.js';

// The fleet engine keeps the same promise as the local one: a retried job runs on the input files
// its stored plan (and its verified segments) were made from, or not at all.
describe("a fleet server checks a stored job's input before it retries it", () => {
  let base: string;
  let original: SampleClip;
  let other: string;

  beforeAll(async () => {
    base = await mkdtemp(path.join(tmpdir(), 'ff-fleet-stamps-'));
    original = await clipOf(path.join(base, 'original.mp4'), [2, 2, 2, 2]);
    // Another, shorter clip to put in its place.
    other = (await clipOf(path.join(base, 'other.mp4'), [2, 2])).path;
  });
  afterAll(() => rm(base, { recursive: true, force: true }));

  it('a retry on a changed or missing input answers 409/400, queues nothing, and runs once it is back', async () => {
    const h = await startServer({ redis: { prefix: uniquePrefix('fleet-stamps') }, workers: 1 });
    const backend = h.runtime.backend as RedisBackend;
    const jobKey = (id: string) => backend.ctx.keys.job(id);
    const control = backend.ctx.queues.get(CONTROL_QUEUE);
    try {
      const input = path.join(h.inputDir, 'in.mp4');
      const outDir = path.join(h.outputDir, 'sub');
      await copyFile(original.path, input);
      await mkdir(outDir);
      const output = path.join(outDir, 'out.mp4');
      const submitted = await fetch(`${h.url}/v1/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'transcode', spec: { input, output, segments: 4, preset: 'quality' } }),
      });
      expect(submitted.status, await submitted.clone().text()).toBe(202);
      const { id } = (await submitted.json()) as JobRecord;
      // A real failure late in the job: its output folder is gone by the time the stitch writes.
      await until('the job planned', async () =>
        (await backend.get(id))?.state === 'running' ? true : undefined,
      );
      await rm(outDir, { recursive: true });
      const failed = await backend.wait(id);
      expect(failed.state).toBe('failed');
      expect(failed.error?.code).toBe('OUTPUT_UNWRITABLE');
      expect(segments(failed).filter((t) => t.state === 'done').length).toBeGreaterThan(0);
      await mkdir(outDir);
      const header = await backend.ctx.redis.hgetall(jobKey(id));
      const queued = await control.getJobCountByTypes('waiting', 'delayed', 'prioritized', 'active');

      await copyFile(other, input);
      const changed = await retry(h, id);
      expect(changed.status).toBe(409);
      expect(changed.body.error?.code).toBe('INPUT_CHANGED');
      expect(changed.body.error?.message).toMatch(
        new RegExp(`^input \`${input}\` changed since job ${id} was planned \\(was [^\\n]*$`),
      );
      // Nothing was queued and the job is as it was: same run, still failed, retryable.
      await new Promise((r) => setTimeout(r, 300));
      expect(await control.getJobCountByTypes('waiting', 'delayed', 'prioritized', 'active')).toBe(queued);
      expect(await backend.ctx.redis.hgetall(jobKey(id))).toEqual(header);

      await rm(input);
      const missing = await retry(h, id);
      expect(missing.status).toBe(400);
      expect(missing.body.error?.code).toBe('INPUT_NOT_FOUND');
      expect(missing.body.error?.message).toBe(
        `input \`${input}\` is missing; job ${id} stays resumable once it is back`,
      );
      expect(await backend.ctx.redis.hgetall(jobKey(id))).toEqual(header);

      // The same file put back (a copy: a new mtime) is recognised, and the retry reuses its segments.
      await copyFile(original.path, input);
      expect((await retry(h, id)).status).toBe(202);
      const done = await settled(h, id);
      expect(done.error).toBeUndefined();
      expect(done.state).toBe('done');
      expect(segments(done).filter((t) => t.reused).length).toBeGreaterThan(0);
      expect((await probe(output)).video?.frameCount).toBe(original.frames);
    } finally {
      await h.close();
    }
  }, 180_000);
});
