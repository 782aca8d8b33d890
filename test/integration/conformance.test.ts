import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalBackend } from '../../src/engine/local/local-backend.js';
import { connectRedis } from '../../src/engine/redis/connection.js';
import { RedisBackend } from '../../src/engine/redis/redis-backend.js';
import { PipelineRegistry } from '../../src/engine/registry.js';
import type { Backend, JobRecord } from '../../src/engine/types.js';
import { generateSampleClip } from '../../src/media/generate.js';
import { probe } from '../../src/media/probe.js';
import type { StitchOutput } from '../../src/pipelines/transcode/index.js';
import { allPipelines } from '../../src/runtime/local.js';
import { FileStorage } from '../../src/storage/file-storage.js';
import { FleetWorker } from '../../src/worker/fleet-worker.js';
import { tempDir } from '../helpers/media.js';
import {
  cleanPrefix,
  cpuWorkerCapabilities,
  quietLog,
  REDIS_URL,
  uniquePrefix,
  until,
} from './redis-fixtures.js';

interface Harness {
  backend: Backend;
  close(): Promise<void>;
}

const CPU_WORKER = cpuWorkerCapabilities('conformance');
const RETRY = { attempts: 3, backoffBaseMs: 100 };

// The same scenarios run against each backend: the embedded one and Redis with an in-process worker.
const backends: [string, (dir: string) => Promise<Harness>][] = [
  [
    'local',
    async (dir) => {
      const backend = await LocalBackend.open({
        dataDir: join(dir, 'local'),
        registry: new PipelineRegistry(allPipelines()),
        storage: new FileStorage(join(dir, 'local')),
        capabilities: async () => ({ encoders: ['libx264'], hwaccels: [], devices: ['cpu'], slots: 2 }),
        slots: { cpu: 2 },
        log: quietLog,
        maxAttempts: RETRY.attempts,
        backoffBaseMs: RETRY.backoffBaseMs,
        keepIntermediates: true,
      });
      return { backend, close: () => backend.close() };
    },
  ],
  [
    'redis',
    async (dir) => {
      const redis = connectRedis(REDIS_URL);
      const prefix = uniquePrefix('conf');
      const registry = new PipelineRegistry(allPipelines());
      const storage = new FileStorage(join(dir, 'shared'));
      const worker = new FleetWorker({
        redis,
        prefix,
        registry,
        storage,
        capabilities: CPU_WORKER,
        log: quietLog,
        concurrency: 2,
        lockDurationMs: 5000,
        heartbeatMs: 500,
        retry: RETRY,
        keepIntermediates: true,
      });
      await worker.start();
      const backend = await RedisBackend.open({
        redis,
        prefix,
        registry,
        storage,
        log: quietLog,
        retry: RETRY,
        pollMs: 200,
      });
      return {
        backend,
        close: async () => {
          await backend.close();
          await worker.stop(1000);
          await cleanPrefix(redis, prefix);
          await redis.quit();
        },
      };
    },
  ],
];

describe.each(backends)('backend conformance: %s', (_name, open) => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let harness: Harness;
  let clip: string;
  let longClip: string;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-conformance-'));
    clip = join(dir, 'clip.mp4');
    longClip = join(dir, 'long.mp4');
    await Promise.all([
      generateSampleClip({ path: clip, width: 160, height: 90, fps: 30, scenes: [1, 1, 1] }),
      generateSampleClip({ path: longClip, width: 640, height: 360, fps: 30, scenes: [6, 6], audio: false }),
    ]);
    harness = await open(dir);
  });
  afterAll(async () => {
    await harness?.close();
    await cleanup();
  });

  const transcode = (input: string, output: string, extra: Record<string, unknown> = {}) =>
    harness.backend.submit('transcode', { input, output, segments: 3, preset: 'fast', ...extra });

  it('transcodes a small clip end to end with every frame', async () => {
    const output = join(dir, 'out.mp4');
    const submitted = await transcode(clip, output);
    const job = await harness.backend.wait(submitted.id);
    expect(job.error).toBeUndefined();
    expect(job.state).toBe('done');
    expect((job.result as StitchOutput).frames).toBe(90);
    expect((await probe(output)).video!.frameCount).toBe(90);
    expect(job.tasks.filter((t) => t.kind === 'transcode.segment')).toHaveLength(3);
    expect(job.tasks.every((t) => t.state === 'done')).toBe(true);
  });

  it('resubmitting reuses verified segments and redoes only what is missing', async () => {
    const output = join(dir, 'resume.mp4');
    const first = await harness.backend.wait((await transcode(clip, output)).id);
    expect(first.state).toBe('done');
    await rm(output);
    const again = await transcode(clip, output);
    expect(again.id).toBe(first.id);
    const job = await harness.backend.wait(again.id);
    expect(job.state).toBe('done');
    const segments = job.tasks.filter((t) => t.kind === 'transcode.segment');
    expect(segments.map((t) => t.reused)).toEqual([true, true, true]);
    expect(job.tasks.find((t) => t.id === 'stitch')!.reused).toBe(false);
    expect((await probe(output)).video!.frameCount).toBe(90);
  });

  it('fails bad input fast, without retries', async () => {
    const bad = join(dir, 'bad.mp4');
    await writeFile(bad, 'this is not a video'.repeat(100));
    const started = Date.now();
    const job = await harness.backend.wait((await transcode(bad, join(dir, 'bad-out.mp4'))).id);
    expect(job.state).toBe('failed');
    expect(job.error?.code).toMatch(/^INPUT_/);
    expect(job.failures.length).toBeLessThanOrEqual(1);
    expect(job.failures.every((f) => !f.willRetry && f.fatal)).toBe(true);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('cancel stops the running encode within seconds', async () => {
    const submitted = await transcode(longClip, join(dir, 'cancel.mp4'), {
      segments: 2,
      preset: 'quality',
      quality: 95,
    });
    const running = async () =>
      (await harness.backend.get(submitted.id))!.tasks.some((t) => t.state === 'running');
    await until(running, 20_000, 'a running task');
    const cancelledAt = Date.now();
    const record = await harness.backend.cancel(submitted.id);
    expect(record?.state).toBe('cancelled');
    const job: JobRecord = await harness.backend.wait(submitted.id);
    expect(job.state).toBe('cancelled');
    await until(async () => !(await running()), 5000, 'running tasks to stop');
    expect(Date.now() - cancelledAt).toBeLessThan(5000);
    expect(
      (await harness.backend.get(submitted.id))!.tasks.some((t) => t.state === 'done' && t.id === 'stitch'),
    ).toBe(false);
  });
});
