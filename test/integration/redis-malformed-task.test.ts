import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/engine/redis/connection.js';
import type { RedisBackend } from '../../src/engine/redis/redis-backend.js';
import { PipelineRegistry } from '../../src/engine/registry.js';
import { allPipelines } from '../../src/pipelines/job-types.js';
import { FileStorage } from '../../src/storage/file-storage.js';
import { tempDir, sampleClip } from '../helpers/media.js';
import {
  cpuWorkerCapabilities,
  type FleetOfOne,
  fleetOfOne,
  REDIS_URL,
  uniquePrefix,
} from './redis-fixtures.js';

// Found by the server attack: a job with `null` data in ff.cpu threw after the worker had taken its
// one CPU slot and before the slot's release was guarded, so every later task was handed back
// ("slot busy") for ever and a real transcode never finished.
const MALFORMED: unknown[] = [null, 'text', 42, [], {}, { jobId: 123 }, { jobId: 'x', run: 'x', taskId: {} }];

describe('malformed jobs in the queues (real Redis, real ffmpeg)', () => {
  const redis = connectRedis(REDIS_URL);
  const prefix = uniquePrefix('malformed');
  let temp: { dir: string; cleanup: () => Promise<void> };
  let backend: RedisBackend;
  let fleet: FleetOfOne;
  let clip: string;

  beforeAll(async () => {
    temp = await tempDir('ff-malformed-');
    clip = join(temp.dir, 'clip.mp4');
    await sampleClip({ path: clip, width: 160, height: 90, fps: 10, scenes: [1, 1], audio: false });
    const registry = new PipelineRegistry(allPipelines());
    const storage = new FileStorage(join(temp.dir, 'shared'));
    fleet = await fleetOfOne({
      redis,
      prefix,
      registry,
      storage,
      capabilities: cpuWorkerCapabilities('malformed'),
      concurrency: 1,
    });
    ({ backend } = fleet);
  });

  afterAll(async () => {
    await fleet.stop();
    await redis.quit();
    await temp.cleanup();
  });

  it('fails them at once without retry, and the worker still runs a real job', async () => {
    const queues = ['ff.control', 'ff.cpu'].map((name) => new Queue(name, { connection: redis, prefix }));
    try {
      const added = [];
      for (const queue of queues) {
        for (const data of MALFORMED) added.push(await queue.add('bad', data, { attempts: 3 }));
      }
      const job = await backend.submit('transcode', {
        input: clip,
        output: join(temp.dir, 'out.mp4'),
        segments: 2,
      });
      const done = await Promise.race([
        backend.wait(job.id),
        new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 60_000)),
      ]);
      expect(done?.state).toBe('done');
      for (const bad of added) {
        const again = await queues.find((q) => q.name === bad.queueName)!.getJob(bad.id!);
        expect(await again!.getState(), JSON.stringify(bad.data)).toBe('failed');
        expect(again!.attemptsMade).toBe(1);
        expect(again!.failedReason).toMatch(/^malformed task data/);
      }
    } finally {
      await Promise.all(queues.map((q) => q.close()));
    }
  }, 90_000);
});
