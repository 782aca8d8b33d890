import type { ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/engine/redis/connection.js';
import { RedisBackend } from '../../src/engine/redis/redis-backend.js';
import { PipelineRegistry } from '../../src/engine/registry.js';
import type { JobRecord } from '../../src/engine/types.js';
import { probe } from '../../src/media/probe.js';
import { psnrByIndex } from '../../src/media/quality.js';
import { allPipelines } from '../../src/pipelines/job-types.js';
import { FileStorage } from '../../src/storage/file-storage.js';
import { tempDir, sampleClip } from '../helpers/media.js';
import {
  cleanPrefix,
  exited,
  quietLog,
  REDIS_URL,
  sleep,
  spawnWorker,
  uniquePrefix,
  until,
} from './redis-fixtures.js';

const FRAMES = 4 * 24;
const began = Date.now();
const log = (what: string) =>
  process.stdout.write(`scale-in +${((Date.now() - began) / 1000).toFixed(1)} s: ${what}\n`);

/**
 * Scale-in while tasks run: the autoscaler removes replicas, Kubernetes sends them SIGTERM, and a
 * worker with no grace left hands its running tasks back. Nothing may be lost or corrupted.
 */
describe('scale-in during a run: replicas removed while tasks run', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let source: string;
  const workers = new Map<string, ChildProcess>();

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-scale-in-'));
    source = join(dir, 'source.mp4');
    await writeFile(join(dir, 'worker.yaml'), 'detect: false\ncores: 1\nencoders: [libx264]\n');
    await sampleClip({
      path: source,
      width: 320,
      height: 240,
      fps: 24,
      scenes: Array(4).fill(1),
      audio: true,
    });
  });
  afterAll(async () => {
    for (const w of workers.values()) w.kill('SIGKILL');
    await cleanup();
  });

  it('loses no job, every output verifies, and the hand-backs are counted', async () => {
    const shared = join(dir, 'shared');
    await mkdir(shared, { recursive: true });
    const prefix = uniquePrefix('scale-in');
    const redis = connectRedis(REDIS_URL);
    const backend = await RedisBackend.open({
      redis,
      prefix,
      registry: new PipelineRegistry(allPipelines()),
      storage: new FileStorage(shared),
      log: quietLog,
      pollMs: 300,
    });
    const start = (id: string) =>
      workers.set(
        id,
        spawnWorker([
          ...['--redis', REDIS_URL, '--storage', pathToFileURL(shared).href, '--prefix', prefix],
          ...['--capabilities', join(dir, 'worker.yaml'), '--concurrency', '1', '--id', id],
          ...['--lock-seconds', '3', '--stalled-seconds', '1', '--heartbeat-seconds', '1'],
          // No grace: a replica told to go hands its running task back at once.
          ...['--grace-seconds', '0', '--log-level', 'error'],
        ]),
      );
    try {
      for (const id of ['replica-a', 'replica-b', 'replica-c']) start(id);
      const ids: string[] = [];
      for (let i = 0; i < 2; i++) {
        const output = join(dir, `out-${i}.mp4`);
        ids.push(
          (await backend.submit('transcode', { input: source, output, segments: 4, preset: 'balanced' })).id,
        );
      }
      // Scale in from 3 to 1 while the two going replicas each run a segment.
      const runningOn = async () => {
        const jobs = await Promise.all(ids.map((id) => backend.get(id)));
        return new Set(
          jobs
            .flatMap((j) => j?.tasks ?? [])
            .filter((t) => t.state === 'running' && t.kind === 'transcode.segment')
            .map((t) => t.worker),
        );
      };
      await until(
        async () => {
          const busy = await runningOn();
          return busy.has('replica-a') && busy.has('replica-b');
        },
        90_000,
        'segments running on both replicas that will be removed',
      );
      log('both going replicas busy');
      const going = ['replica-a', 'replica-b'].map((id) => workers.get(id)!);
      for (const w of going) w.kill('SIGTERM');
      const codes = await Promise.all(
        going.map((w) => Promise.race([exited(w), sleep(15_000).then(() => -1)])),
      );
      log(`removed replicas exited ${codes.join(', ')}`);
      expect(codes).toEqual([0, 0]);

      const jobs = (await Promise.all(ids.map((id) => backend.wait(id)))) as JobRecord[];
      log('jobs finished');
      expect(jobs.map((j) => j.state)).toEqual(['done', 'done']);
      for (const job of jobs) {
        const output = (job.spec as { output: string }).output;
        expect((await probe(output)).video?.frameCount).toBe(FRAMES);
        expect((await psnrByIndex(output, source)).min).toBeGreaterThan(25);
      }
      const runs = jobs.flatMap((j) =>
        j.tasks.flatMap((t) => t.runs.map((r) => ({ task: `${j.id}/${t.id}`, ...r }))),
      );
      const handedBack = runs.filter((r) => r.outcome === 'handed-back');
      process.stdout.write(
        `scale-in: ${handedBack.length} hand-backs, ${runs.filter((r) => r.outcome === 'lost').length} lost runs\n`,
      );
      // Both removed replicas were mid-segment: at least one of them could not finish and handed back.
      expect(handedBack.length).toBeGreaterThanOrEqual(1);
      expect(handedBack.every((r) => ['replica-a', 'replica-b'].includes(r.worker))).toBe(true);
      // Every handed-back task was finished later by a replica that stayed.
      for (const back of handedBack) {
        expect(
          runs.some((r) => r.task === back.task && r.outcome === 'done' && r.startedAt >= back.startedAt),
        ).toBe(true);
      }
    } finally {
      for (const w of workers.values()) w.kill('SIGTERM');
      await Promise.all([...workers.values()].map((w) => Promise.race([exited(w), sleep(8000)])));
      await backend.close();
      await cleanPrefix(redis, prefix);
      await redis.quit();
    }
  }, 240_000);
});
