import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalBackend } from '../../src/engine/local/local-backend.js';
import { readManifest } from '../../src/engine/local/manifest.js';
import { RedisKeys } from '../../src/engine/redis/keys.js';
import { connectRedis } from '../../src/engine/redis/connection.js';
import { RedisBackend } from '../../src/engine/redis/redis-backend.js';
import { PipelineRegistry } from '../../src/engine/registry.js';
import type { Backend, JobRecord, Pipeline } from '../../src/engine/types.js';
import { probe } from '../../src/media/probe.js';
import type { StitchOutput } from '../../src/pipelines/transcode/index.js';
import { allPipelines } from '../../src/pipelines/job-types.js';
import { FileStorage } from '../../src/storage/file-storage.js';
import { FleetWorker } from '../../src/worker/fleet-worker.js';
import {
  expandResult,
  graphPipeline,
  graphRuns,
  graphUpgrade,
  type GraphSpec,
} from '../helpers/graph-pipeline.js';
import { FAST_X264, ffmpeg, tempDir, sampleClip } from '../helpers/media.js';
import {
  cleanPrefix,
  cpuWorkerCapabilities,
  quietLog,
  REDIS_URL,
  sleep,
  uniquePrefix,
  until,
} from './redis-fixtures.js';

interface Harness {
  backend: Backend;
  /** Stops the engine mid-work as a killed process would (tasks interrupted), then starts it again. */
  restart(): Promise<void>;
  /** How many expansions the backend stored for a job. */
  expansions(jobId: string): Promise<number>;
  close(): Promise<void>;
}

const CPU_WORKER = cpuWorkerCapabilities('conformance');
const RETRY = { attempts: 3, backoffBaseMs: 100 };

// The same scenarios run against each backend: the embedded one and Redis with an in-process worker.
const backends: [string, (dir: string) => Promise<Harness>][] = [
  [
    'local',
    async (dir) => {
      const open = (resume: boolean) =>
        LocalBackend.open({
          dataDir: join(dir, 'local'),
          registry: new PipelineRegistry([...allPipelines(), graphPipeline as Pipeline]),
          storage: new FileStorage(join(dir, 'local')),
          capabilities: async () => ({ encoders: ['libx264'], hwaccels: [], devices: ['cpu'], slots: 2 }),
          slots: { cpu: 2 },
          log: quietLog,
          maxAttempts: RETRY.attempts,
          backoffBaseMs: RETRY.backoffBaseMs,
          keepIntermediates: true,
          resume,
        });
      const harness: Harness = {
        backend: await open(false),
        restart: async () => {
          await harness.backend.close();
          harness.backend = await open(true);
        },
        expansions: async (jobId) => (await readManifest(join(dir, 'local'), jobId))?.expansions.length ?? 0,
        close: () => harness.backend.close(),
      };
      return harness;
    },
  ],
  [
    'redis',
    async (dir) => {
      const redis = connectRedis(REDIS_URL);
      const prefix = uniquePrefix('conf');
      const registry = new PipelineRegistry([...allPipelines(), graphPipeline as Pipeline]);
      const storage = new FileStorage(join(dir, 'shared'));
      const startWorker = async (n: number) => {
        const w = new FleetWorker({
          redis,
          prefix,
          registry,
          storage,
          capabilities: CPU_WORKER,
          workerId: `conformance-${n}`,
          log: quietLog,
          concurrency: 2,
          lockDurationMs: 5000,
          heartbeatMs: 500,
          retry: RETRY,
          keepIntermediates: true,
        });
        await w.start();
        return w;
      };
      let worker = await startWorker(1);
      const backend = await RedisBackend.open({
        redis,
        prefix,
        registry,
        storage,
        log: quietLog,
        retry: RETRY,
        pollMs: 200,
      });
      let generation = 1;
      return {
        backend,
        restart: async () => {
          // No grace: running tasks are aborted and handed back, as when a worker is killed.
          await worker.stop(0);
          worker = await startWorker(++generation);
        },
        expansions: async (jobId) => redis.llen(new RedisKeys(prefix).expansions(jobId)),
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

// The sources, made once and only read: both backends transcode the same clips.
let clip: string;
let longClip: string;
let cleanupMedia: () => Promise<void>;
beforeAll(async () => {
  let media: string;
  ({ dir: media, cleanup: cleanupMedia } = await tempDir('ff-conformance-media-'));
  clip = join(media, 'clip.mp4');
  longClip = join(media, 'long.mp4');
  await Promise.all([
    sampleClip({ path: clip, width: 160, height: 90, fps: 30, scenes: [1, 1, 1] }),
    // Only for the cancel test: an encode that runs long enough to be stopped; its pictures do not matter.
    ffmpeg([
      '-f',
      'lavfi',
      '-i',
      'testsrc2=s=640x360:r=30:d=12',
      ...FAST_X264,
      '-g',
      '60',
      '-pix_fmt',
      'yuv420p',
      longClip,
    ]),
  ]);
});
afterAll(() => cleanupMedia());

describe.each(backends)('backend conformance: %s', (_name, open) => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let harness: Harness;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-conformance-'));
    harness = await open(dir);
  });
  afterAll(async () => {
    await harness?.close();
    await cleanup();
  });

  const transcode = (input: string, output: string, extra: Record<string, unknown> = {}) =>
    harness.backend.submit('transcode', { input, output, segments: 3, preset: 'fast', ...extra });

  /** The clip transcoded to out.mp4, once: the first test checks the job, the second resubmits it. */
  let transcoded: Promise<JobRecord> | undefined;
  const transcodedClip = () =>
    (transcoded ??= transcode(clip, join(dir, 'out.mp4')).then((s) => harness.backend.wait(s.id)));

  it('transcodes a small clip end to end with every frame', async () => {
    const output = join(dir, 'out.mp4');
    const job = await transcodedClip();
    expect(job.error).toBeUndefined();
    expect(job.state).toBe('done');
    expect((job.result as StitchOutput).frames).toBe(90);
    expect((await probe(output)).video!.frameCount).toBe(90);
    expect(job.tasks.filter((t) => t.kind === 'transcode.segment')).toHaveLength(3);
    expect(job.tasks.every((t) => t.state === 'done')).toBe(true);
  });

  it('resubmitting reuses verified segments and redoes only what is missing', async () => {
    const output = join(dir, 'out.mp4');
    const first = await transcodedClip();
    expect(first.state).toBe('done');
    await rm(output);
    const again = await transcode(clip, output);
    expect(again.id).toBe(first.id);
    const job = await harness.backend.wait(again.id);
    expect(job.state).toBe('done');
    const segments = job.tasks.filter((t) => t.kind === 'transcode.segment');
    expect(segments.map((t) => t.reused)).toEqual([true, true, true]);
    // The source's seam pictures are an output that re-verifies like the segments.
    expect(job.tasks.find((t) => t.id === 'seam-pictures')!.reused).toBe(true);
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

  const graphJob = (spec: Partial<GraphSpec> & Pick<GraphSpec, 'shape'>) =>
    harness.backend.submit('graph-test', { nonce: `${_name}-${randomUUID()}`, ...spec });
  const runsOf = (job: JobRecord, taskId: string) =>
    graphRuns.get(`${(job.spec as GraphSpec).nonce}/${taskId}`) ?? 0;

  it('runs a diamond: the join gets both branches, the shared source runs once', async () => {
    const job = await harness.backend.wait((await graphJob({ shape: 'diamond' })).id);
    expect(job.state).toBe('done');
    expect(job.result).toEqual({ v: 4 + (2 + 1) + (3 + 1) });
    expect(['a', 'b', 'c', 'd'].map((id) => runsOf(job, id))).toEqual([1, 1, 1, 1]);
    expect(Object.keys(job.usage)).toEqual(['ff.cpu']);
    expect(job.tasks.every((t) => t.runs.length === 1 && t.runs[0]!.outcome === 'done')).toBe(true);
  });

  it('grows a job at run time: added tasks run after their expander and the new root ends it', async () => {
    const job = await harness.backend.wait((await graphJob({ shape: 'expand', fanOut: 5 })).id);
    expect(job.error).toBeUndefined();
    expect(job.state).toBe('done');
    expect(job.result).toEqual({ v: expandResult(5) });
    expect(job.tasks.map((t) => t.id).sort()).toEqual(
      ['child-0', 'child-1', 'child-2', 'child-3', 'child-4', 'gen', 'join', 'src'].sort(),
    );
    expect(job.tasks.every((t) => t.state === 'done')).toBe(true);
    expect(await harness.expansions(job.id)).toBe(1);
  });

  it('fails the job from a middle task, and nothing that needed it ever runs', async () => {
    const marker = join(dir, `fail-${randomUUID()}`);
    await writeFile(marker, '');
    const job = await harness.backend.wait((await graphJob({ shape: 'fail-middle', failWhile: marker })).id);
    expect(job.state).toBe('failed');
    expect(job.error?.code).toBe('INPUT_CORRUPT');
    expect(job.error?.message).toContain('task middle refuses');
    const state = (id: string) => job.tasks.find((t) => t.id === id)?.state;
    expect(state('middle')).toBe('failed');
    expect(state('end')).toBe('cancelled');
    expect(runsOf(job, 'end')).toBe(0);
    expect(job.failures.filter((f) => f.task === 'middle')).toHaveLength(1);
  });

  /** A fail-middle job that failed, its cause gone: ready to be retried. */
  const failedInTheMiddle = async () => {
    const marker = join(dir, `retry-${randomUUID()}`);
    await writeFile(marker, '');
    const first = await harness.backend.wait(
      (await graphJob({ shape: 'fail-middle', failWhile: marker })).id,
    );
    expect(first.state).toBe('failed');
    await rm(marker);
    return first;
  };

  it('retries a failed job: what finished is reused, the failed task runs again', async () => {
    const first = await failedInTheMiddle();
    await harness.backend.retry(first.id);
    const job = await harness.backend.wait(first.id);
    expect(job.state).toBe('done');
    expect(job.result).toEqual({ v: 4 + (2 + 1) + (3 + 1) });
    expect(job.tasks.find((t) => t.id === 'start')!.reused).toBe(true);
    expect(runsOf(job, 'start')).toBe(1);
    expect(runsOf(job, 'middle')).toBe(2);
  });

  it('retries a job planned by older code as this code plans it, reusing only what is planned the same', async () => {
    const first = await failedInTheMiddle();
    // The upgrade plans the side task with another value; start is planned as before.
    graphUpgrade.active = true;
    try {
      await harness.backend.retry(first.id);
      const job = await harness.backend.wait(first.id);
      expect(job.state).toBe('done');
      expect(job.result).toEqual({ v: 4 + (2 + 1) + (30 + 1) });
      expect(job.tasks.find((t) => t.id === 'start')!.reused).toBe(true);
      expect(runsOf(job, 'start')).toBe(1);
      expect(runsOf(job, 'side')).toBe(2);
    } finally {
      graphUpgrade.active = false;
    }
  });

  it('cancels during an expansion: the expansion never lands and nothing it would add runs', async () => {
    const submitted = await graphJob({ shape: 'expand', fanOut: 3, expandMs: 5000 });
    const genRunning = async () =>
      (await harness.backend.get(submitted.id))!.tasks.some((t) => t.id === 'gen' && t.state === 'running');
    await until(genRunning, 10_000, 'the expanding task to run');
    await harness.backend.cancel(submitted.id);
    const job = await harness.backend.wait(submitted.id);
    expect(job.state).toBe('cancelled');
    await sleep(500);
    const after = (await harness.backend.get(submitted.id))!;
    expect(after.tasks.map((t) => t.id).sort()).toEqual(['gen', 'src']);
    expect(await harness.expansions(submitted.id)).toBe(0);
    expect(runsOf(after, 'child-0')).toBe(0);
  });

  it('survives a kill after its graph grew: it resumes the grown graph, expanding once', async () => {
    const submitted = await graphJob({ shape: 'expand', fanOut: 6, childMs: 400 });
    const childrenDone = async () =>
      (await harness.backend.get(submitted.id))?.tasks.filter(
        (t) => t.id.startsWith('child-') && t.state === 'done',
      ).length ?? 0;
    await until(async () => (await childrenDone()) >= 2, 20_000, 'two added tasks to finish');
    await harness.restart();
    const job = await harness.backend.wait(submitted.id);
    expect(job.error).toBeUndefined();
    expect(job.state).toBe('done');
    expect(job.result).toEqual({ v: expandResult(6) });
    expect(job.tasks).toHaveLength(2 + 6 + 1);
    expect(new Set(job.tasks.map((t) => t.id)).size).toBe(job.tasks.length);
    expect(await harness.expansions(job.id)).toBe(1);
    expect(runsOf(job, 'gen')).toBe(1);
  });
});
