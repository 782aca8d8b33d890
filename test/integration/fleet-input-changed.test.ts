import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/engine/redis/connection.js';
import { PipelineRegistry } from '../../src/engine/registry.js';
import { allPipelines } from '../../src/pipelines/job-types.js';
import { FileStorage } from '../../src/storage/file-storage.js';
import { inputSwapper } from '../helpers/input-swap.js';
import { tempDir } from '../helpers/media.js';
import { cpuWorkerCapabilities, fleetOfOne, REDIS_URL, uniquePrefix } from './redis-fixtures.js';

// A new user's fleet trial overwrote a transcode's input while it ran: a segment made from the
// other file was recorded, and a retry after the original was put back reused it. Each fleet task
// now checks the job's input stamps once it is done, as the embedded engine's do.
describe('a fleet job whose input is overwritten while it runs', () => {
  let dir = '';
  let cleanup = async () => {};
  let redis: Redis;
  const saved = process.env.FFMPEG_PATH;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-fleet-input-changed-'));
    redis = connectRedis(REDIS_URL);
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env.FFMPEG_PATH;
    else process.env.FFMPEG_PATH = saved;
    await redis?.quit();
    await cleanup();
  });

  it('fails the job with INPUT_CHANGED, records no segment made from the other file and writes no output', async () => {
    const { input, wrapper } = await inputSwapper(dir);
    const fleet = await fleetOfOne({
      redis,
      prefix: uniquePrefix('input-changed'),
      registry: new PipelineRegistry(allPipelines()),
      storage: new FileStorage(join(dir, 'shared')),
      capabilities: cpuWorkerCapabilities('w1'),
      concurrency: 2,
    });
    try {
      process.env.FFMPEG_PATH = wrapper;
      const output = join(dir, 'out.mp4');
      const { id } = await fleet.backend.submit('transcode', { input, output, segments: 2 });
      const job = await fleet.backend.wait(id);
      expect(job.state, JSON.stringify(job.tasks.map((t) => [t.id, t.state]))).toBe('failed');
      expect(job.error?.code).toBe('INPUT_CHANGED');
      expect(job.error?.message).toMatch(
        /^input `.*in\.mp4` changed since job \S+ was planned \(was \d+ bytes/,
      );
      // No segment recorded done from the swapped file: a retry could not reuse one.
      const segments = job.tasks.filter((t) => t.kind === 'transcode.segment');
      expect(segments.length).toBeGreaterThan(0);
      expect(segments.filter((t) => t.state === 'done')).toEqual([]);
      await expect(access(output)).rejects.toThrow();
    } finally {
      process.env.FFMPEG_PATH = saved;
      if (saved === undefined) delete process.env.FFMPEG_PATH;
      await fleet.stop();
    }
  }, 120_000);
});
