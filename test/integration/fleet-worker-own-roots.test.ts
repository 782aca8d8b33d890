import { mkdir, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/engine/redis/connection.js';
import { RedisBackend } from '../../src/engine/redis/redis-backend.js';
import { PipelineRegistry } from '../../src/engine/registry.js';
import { allPipelines } from '../../src/pipelines/job-types.js';
import { startFleetWorker } from '../../src/runtime/redis.js';
import { FileStorage } from '../../src/storage/file-storage.js';
import { tempDir, sampleClip } from '../helpers/media.js';
import { cleanPrefix, quietLog, REDIS_URL, uniquePrefix } from './redis-fixtures.js';

// `framefleet worker --input-root/--output-root` used its own roots as they were: with its storage
// folder inside them, a job could read another job's intermediates or write over them. Its own
// storage's work folders (and its scratch and input cache) are now excluded from whichever roots
// it uses; folders beside them stay allowed.
describe("a fleet worker's own roots exclude its storage's work folders", () => {
  let dir = '';
  let cleanup: () => Promise<void> = async () => undefined;
  let redis: Redis;
  const prefix = uniquePrefix('own-roots');

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-own-roots-'));
    dir = await realpath(dir);
    redis = connectRedis(REDIS_URL);
  });
  afterAll(async () => {
    await cleanPrefix(redis, prefix);
    await redis.quit();
    await cleanup();
  });

  it('refuses a job file in its scratch/ folder and runs one beside it', async () => {
    const shared = join(dir, 'shared');
    const planted = join(shared, 'scratch', 'other-job');
    await Promise.all([join(dir, 'in'), join(dir, 'out'), planted].map((d) => mkdir(d, { recursive: true })));
    const clip = (path: string) => sampleClip({ path, width: 160, height: 90, fps: 25, scenes: [1] });
    await Promise.all([clip(join(dir, 'in', 'ok.mp4')), clip(join(planted, 'seg.mp4'))]);
    // Submitted as the CLI does: no recorded roots, so the worker's own decide.
    const backend = await RedisBackend.open({
      redis,
      prefix,
      registry: new PipelineRegistry(allPipelines()),
      storage: new FileStorage(shared),
      log: quietLog,
      pollMs: 200,
    });
    const fleet = await startFleetWorker({
      redisUrl: REDIS_URL,
      prefix,
      storageUrl: pathToFileURL(shared).href,
      log: quietLog,
      concurrency: 2,
      heartbeatMs: 500,
      declared: { encoders: ['libx264'], workerId: 'own-roots' },
      roots: { input: [dir], output: [dir] },
    });
    try {
      const reads = await backend.submit('transcode', {
        input: join(planted, 'seg.mp4'),
        output: join(dir, 'out', 'one.mp4'),
      });
      const writes = await backend.submit('transcode', {
        input: join(dir, 'in', 'ok.mp4'),
        output: join(planted, 'seg2.mp4'),
      });
      const fine = await backend.submit('transcode', {
        input: join(dir, 'in', 'ok.mp4'),
        output: join(dir, 'out', 'three.mp4'),
      });
      for (const id of [reads.id, writes.id]) {
        const job = await backend.wait(id);
        expect(job.state, id).toBe('failed');
        expect(job.error?.code).toBe('PATH_FORBIDDEN');
        expect(job.error?.message).toContain(`framefleet's own folder \`${join(shared, 'scratch')}\``);
      }
      expect((await backend.wait(fine.id)).state).toBe('done');
    } finally {
      await fleet.stop(2000);
      await backend.close();
    }
  });
});
