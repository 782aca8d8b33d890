import { mkdir, readdir, realpath, rename, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/engine/redis/connection.js';
import { fleetPathPolicy, recordJobRoots } from '../../src/engine/redis/job-roots.js';
import { RedisBackend } from '../../src/engine/redis/redis-backend.js';
import { PipelineRegistry } from '../../src/engine/registry.js';
import { allPipelines } from '../../src/pipelines/job-types.js';
import { FileStorage } from '../../src/storage/file-storage.js';
import { FleetWorker } from '../../src/worker/fleet-worker.js';
import { tempDir, sampleClip } from '../helpers/media.js';
import { cleanPrefix, cpuWorkerCapabilities, quietLog, REDIS_URL, uniquePrefix } from './redis-fixtures.js';

describe('fleet workers: job files are confined to the roots that hold when a worker opens them', () => {
  let dir = '';
  let cleanup: () => Promise<void> = async () => undefined;
  let redis: Redis;
  const prefix = uniquePrefix('paths');

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-fleet-paths-'));
    dir = await realpath(dir);
    redis = connectRedis(REDIS_URL);
  });
  afterAll(async () => {
    await cleanPrefix(redis, prefix);
    await redis.quit();
    await cleanup();
  });

  it("takes a worker's own roots first, else the roots recorded with the job, else none", async () => {
    const recorded = { input: ['/srv/in'], output: ['/srv/out'] };
    await recordJobRoots(redis, prefix, 'job-a', recorded);
    expect(await fleetPathPolicy(redis, prefix).rootsFor('job-a')).toEqual(recorded);
    // A job submitted without roots (the CLI) stays unconfined.
    expect(await fleetPathPolicy(redis, prefix).rootsFor('job-b')).toBeUndefined();
    const own = { input: ['/w/in'], output: [] };
    expect(await fleetPathPolicy(redis, prefix, own).rootsFor('job-a')).toEqual(own);
  });

  it('holds a queued job to the roots its server recorded, on a worker without roots of its own', async () => {
    const [input, output, outside] = [join(dir, 'in'), join(dir, 'out'), join(dir, 'outside')];
    await Promise.all(
      [join(input, 'a'), join(output, 'b'), outside].map((d) => mkdir(d, { recursive: true })),
    );
    const clip = (path: string) => sampleClip({ path, width: 160, height: 90, fps: 25, scenes: [1] });
    await Promise.all([
      clip(join(input, 'a', 'clip.mp4')),
      clip(join(input, 'ok.mp4')),
      clip(join(outside, 'clip.mp4')),
    ]);
    const registry = new PipelineRegistry(allPipelines());
    const storage = new FileStorage(join(dir, 'shared'));
    const backend = await RedisBackend.open({
      redis,
      prefix,
      registry,
      storage,
      log: quietLog,
      pollMs: 200,
      submitRoots: { input: [input], output: [output] },
    });
    // Queued while no worker is up: then the folders become symlinks out of the roots.
    const reads = await backend.submit('transcode', {
      input: join(input, 'a', 'clip.mp4'),
      output: join(output, 'one.mp4'),
      segments: 2,
    });
    const writes = await backend.submit('transcode', {
      input: join(input, 'ok.mp4'),
      output: join(output, 'b', 'two.mp4'),
      segments: 2,
    });
    for (const folder of [join(input, 'a'), join(output, 'b')]) {
      await rename(folder, `${folder}.moved`);
      await symlink(outside, folder);
    }
    const worker = new FleetWorker({
      redis,
      prefix,
      registry,
      storage,
      capabilities: cpuWorkerCapabilities('paths'),
      log: quietLog,
      concurrency: 2,
      heartbeatMs: 500,
      paths: fleetPathPolicy(redis, prefix),
    });
    await worker.start();
    try {
      for (const [id, what] of [
        [reads.id, 'input'],
        [writes.id, 'output'],
      ] as const) {
        const job = await backend.wait(id);
        expect(job.state, id).toBe('failed');
        expect(job.error?.code).toBe('PATH_FORBIDDEN');
        expect(job.error?.message).toContain(`outside the allowed ${what} roots`);
      }
      expect((await readdir(outside)).sort()).toEqual(['clip.mp4']);
    } finally {
      await worker.stop(2000);
      await backend.close();
    }
  });

  it('forgets the recorded roots with the job', async () => {
    // Found by the server attack: POST /v1/jobs/:id/remove left <prefix>:roots:<id> in Redis for ever.
    const input = join(dir, 'in');
    const registry = new PipelineRegistry(allPipelines());
    const backend = await RedisBackend.open({
      redis,
      prefix,
      registry,
      storage: new FileStorage(join(dir, 'shared')),
      log: quietLog,
      submitRoots: { input: [input], output: [join(dir, 'out')] },
    });
    try {
      const job = await backend.submit('transcode', {
        input: join(input, 'ok.mp4'),
        output: join(dir, 'out', 'three.mp4'),
        segments: 2,
      });
      expect(await redis.exists(`${prefix}:roots:${job.id}`)).toBe(1);
      await backend.cancel(job.id);
      expect(await backend.remove(job.id)).toBe(true);
      expect(await redis.exists(`${prefix}:roots:${job.id}`)).toBe(0);
    } finally {
      await backend.close();
    }
  });
});
