import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/engine/redis/connection.js';
import { RedisKeys } from '../../src/engine/redis/keys.js';
import type { RedisBackend } from '../../src/engine/redis/redis-backend.js';
import { PipelineRegistry } from '../../src/engine/registry.js';
import { probe } from '../../src/media/probe.js';
import { allPipelines } from '../../src/pipelines/job-types.js';
import { FileStorage } from '../../src/storage/file-storage.js';
import type { FleetWorker } from '../../src/worker/fleet-worker.js';
import { tempDir, sampleClip } from '../helpers/media.js';
import {
  cpuWorkerCapabilities,
  type FleetOfOne,
  fleetOfOne,
  REDIS_URL,
  uniquePrefix,
} from './redis-fixtures.js';

const SIZES = Array.from({ length: 20 }, (_, i) => [32 + 16 * i, 18 + 10 * i] as const);

describe('pool queues on a CPU-only fleet (real Redis, real ffmpeg)', () => {
  const redis = connectRedis(REDIS_URL);
  const prefix = uniquePrefix('pools');
  let temp: { dir: string; cleanup: () => Promise<void> };
  let worker: FleetWorker;
  let backend: RedisBackend;
  let fleet: FleetOfOne;

  beforeAll(async () => {
    temp = await tempDir('ff-pools-');
    await Promise.all(
      SIZES.map(([width, height]) =>
        sampleClip({
          path: join(temp.dir, `${width}x${height}.mp4`),
          width,
          height,
          fps: 10,
          scenes: [0.5],
          audio: false,
        }),
      ),
    );
    const registry = new PipelineRegistry(allPipelines());
    const storage = new FileStorage(join(temp.dir, 'shared'));
    fleet = await fleetOfOne({
      redis,
      prefix,
      registry,
      storage,
      capabilities: cpuWorkerCapabilities('pools'),
      concurrency: 2,
    });
    ({ worker, backend } = fleet);
  });

  afterAll(async () => {
    await fleet.stop();
    await redis.quit();
    await temp.cleanup();
  });

  it('runs 20 transcodes of 20 frame sizes through one task queue and the control queue', async () => {
    const ids = await Promise.all(
      SIZES.map(async ([width, height]) => {
        const input = join(temp.dir, `${width}x${height}.mp4`);
        const spec = { input, output: join(temp.dir, `out-${width}.mp4`), segments: 1, preset: 'fast' };
        return (await backend.submit('transcode', spec)).id;
      }),
    );
    const jobs = await Promise.all(ids.map((id) => backend.wait(id)));
    expect(jobs.map((j) => j.state)).toEqual(Array(20).fill('done'));
    expect((await probe(join(temp.dir, 'out-336.mp4'))).video).toMatchObject({ width: 336, height: 208 });
    // The pools in use, and the BullMQ queues that exist under the prefix: ff.cpu and ff.control only.
    expect(await redis.smembers(new RedisKeys(prefix).queues)).toEqual(['ff.cpu']);
    const metaKeys = await redis.keys(`${prefix}:ff.*:meta`);
    expect(metaKeys.map((k) => k.split(':')[1]).sort()).toEqual(['ff.control', 'ff.cpu']);
    expect(worker.queueNames()).toEqual(['ff.control', 'ff.cpu']);
    // Every run of every task is on record with the pool it ran in.
    const runs = jobs.flatMap((j) => j.tasks.flatMap((t) => t.runs));
    expect(runs.length).toBe(jobs.flatMap((j) => j.tasks).length);
    expect(new Set(runs.map((r) => r.pool))).toEqual(new Set(['ff.cpu']));
    expect(jobs.every((j) => (j.usage['ff.cpu'] ?? 0) > 0)).toBe(true);
    const stats = await backend.stats();
    expect(stats.pools.map((p) => p.pool)).toEqual(['ff.control', 'ff.cpu']);
    expect(stats.pools.find((p) => p.pool === 'ff.cpu')).toMatchObject({ waiting: 0, active: 0 });
    // One segment each: the whole output in one task.
    expect(jobs.every((j) => j.tasks.map((t) => t.kind).join() === 'transcode.whole')).toBe(true);
    expect(stats.pools.find((p) => p.pool === 'ff.cpu')!.finishedLastHour).toBeGreaterThanOrEqual(20);
    expect(stats.jobs.done).toBe(20);
  });
});
