import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/engine/redis/connection.js';
import { RedisBackend } from '../../src/engine/redis/redis-backend.js';
import type { RetryPolicy } from '../../src/engine/redis/queue-set.js';
import { PipelineRegistry } from '../../src/engine/registry.js';
import type { JobRecord, Logger } from '../../src/engine/types.js';
import { probe } from '../../src/media/probe.js';
import { allPipelines } from '../../src/pipelines/job-types.js';
import { FileStorage } from '../../src/storage/file-storage.js';
import { FleetWorker } from '../../src/worker/fleet-worker.js';
import { FAST_X264, ffmpeg, tempDir } from '../helpers/media.js';
import { mountTiny, unmountTiny } from '../helpers/tiny-disk.js';
import {
  cleanPrefix,
  cpuWorkerCapabilities,
  quietLog,
  REDIS_URL,
  uniquePrefix,
  until,
} from './redis-fixtures.js';

// 96 KiB: half of one of the two segments of the source below (about 190 KB each; its audio fits).
const tiny = mountTiny('96k');
if (tiny.why) console.warn(`fleet own-disk-full tests skipped: cannot mount a tmpfs here (${tiny.why})`);

const RETRY: RetryPolicy = { attempts: 3, backoffBaseMs: 100 };

/** A logger that keeps its warn and info lines, for what a worker said of its full disk. */
function recordingLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const keep = (obj: object | string, msg?: string) => void lines.push(msg ?? String(obj));
  return { lines, info: keep, warn: keep, error: keep, debug: () => undefined };
}

// A fleet worker whose own scratch disk was full (a segment encode into its local scratch hit
// ENOSPC) failed the whole job with NO_SPACE, as a full shared output disk does, where another
// worker with room could have run the task. Now the task goes back to its queue and the worker
// takes no tasks for a while; the job fails only where no worker with room ran it.
describe.skipIf(tiny.why !== undefined)("a fleet worker's own full scratch disk", () => {
  const full = tiny.dir!;
  let dir: string;
  let cleanup: () => Promise<void>;
  let source: string;
  let redis: Redis;
  const registry = new PipelineRegistry(allPipelines());
  const prefixes: string[] = [];

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-own-full-'));
    redis = connectRedis(REDIS_URL);
    source = join(dir, 'in.mp4');
    await ffmpeg([
      ...['-f', 'lavfi', '-i', 'testsrc2=s=640x360:r=30:d=4', '-f', 'lavfi', '-i', 'sine=d=4'],
      ...FAST_X264,
      ...['-c:a', 'aac', source],
    ]);
    await mkdir(join(dir, 'out'));
  }, 60_000);
  afterAll(async () => {
    for (const prefix of prefixes) await cleanPrefix(redis, prefix);
    await redis?.quit();
    await cleanup?.();
    unmountTiny(full);
  });

  /** A worker, a backend and the shared storage on a fresh prefix; `pauseMs` is the full worker's pause. */
  async function fleet(name: string) {
    const prefix = uniquePrefix(name);
    prefixes.push(prefix);
    const storage = new FileStorage(join(dir, `${name}-shared`));
    const workers: FleetWorker[] = [];
    const startWorker = async (id: string, scratchRoot: string, log: Logger, pauseMs: number) => {
      const worker = new FleetWorker({
        ...{ redis, prefix, registry, storage, log, workerId: id, scratchRoot, retry: RETRY },
        capabilities: cpuWorkerCapabilities(id),
        concurrency: 2,
        heartbeatMs: 500,
        ownDiskFullPauseMs: pauseMs,
      });
      await worker.start();
      workers.push(worker);
      return worker;
    };
    const backend = await RedisBackend.open({
      ...{ redis, prefix, registry, storage, log: quietLog, retry: RETRY },
      pollMs: 100,
    });
    const stop = async () => {
      await backend.close();
      for (const w of workers) await w.stop(1000);
    };
    return { backend, startWorker, stop };
  }

  const ownDiskFailures = (job: JobRecord | undefined) =>
    (job?.failures ?? []).filter((f) => f.code === 'NO_SPACE' && f.worker === 'full');

  it('the task goes to a worker with room: the job completes there and the output verifies', async () => {
    const { backend, startWorker, stop } = await fleet('own-full');
    try {
      const log = recordingLog();
      // Held long enough that only the worker with room can take anything after its first failure.
      await startWorker('full', full, log, 60_000);
      const output = join(dir, 'out', 'moved.mp4');
      const { id } = await backend.submit('transcode', { input: source, output, segments: 2 });
      // The worker with room starts only once the full one has failed a task: it did try.
      await until(async () => ownDiskFailures(await backend.get(id)).length > 0, 30_000, 'a full disk');
      await startWorker('roomy', join(dir, 'roomy-scratch'), quietLog, 60_000);
      const job = await backend.wait(id);
      expect(job.state, JSON.stringify(job.error)).toBe('done');

      // Every failure was the full worker's scratch, and each was handed on, not fatal.
      expect(job.failures.length).toBeGreaterThan(0);
      for (const f of job.failures) {
        expect(f).toMatchObject({ code: 'NO_SPACE', worker: 'full', willRetry: true, fatal: false });
        expect(f.message).toMatch(
          new RegExp(
            `^no space left on device writing \`${full}/\\S+\` \\(.+ free of 96 KiB\\) on worker full's own scratch disk \\(attempt 1 of 3\\): the task goes back to its queue for a worker with room$`,
          ),
        );
      }
      // What failed there ran on the worker with room.
      for (const task of job.tasks.filter((t) => job.failures.some((f) => f.task === t.id))) {
        expect(task.runs.map((r) => [r.worker, r.outcome])).toEqual([
          ['full', 'retry'],
          ['roomy', 'done'],
        ]);
      }
      expect(job.tasks.find((t) => t.kind === 'transcode.stitch')?.worker).toBe('roomy');

      // The output is whole: every frame, video and audio.
      const info = await probe(output);
      expect(info.video?.frameCount).toBe(120);
      expect(info.audio).toBeDefined();

      // The full worker said which file did not fit and the room left, then paused.
      expect(log.lines.some((l) => l.includes(`writing \`${full}/`) && / free of 96 KiB/.test(l))).toBe(true);
      expect(log.lines).toContainEqual(
        expect.stringMatching(
          /^this worker's scratch disk is full \(`.+` did not fit\): it takes no tasks for 60 s/,
        ),
      );
    } finally {
      await stop();
    }
    // Each attempt's files were removed from the full disk.
    expect((await readdir(full, { recursive: true, withFileTypes: true })).filter((e) => e.isFile())).toEqual(
      [],
    );
  }, 120_000);

  it('with no worker that has room, the job ends NO_SPACE naming the file once its attempts are spent', async () => {
    const { backend, startWorker, stop } = await fleet('own-full-only');
    try {
      await startWorker('full', full, quietLog, 200);
      const output = join(dir, 'out', 'never.mp4');
      const { id } = await backend.submit('transcode', { input: source, output, segments: 2 });
      const job = await backend.wait(id);
      expect(job.state).toBe('failed');
      expect(job.error?.code).toBe('NO_SPACE');
      expect(job.error?.message).toMatch(
        new RegExp(
          `^no space left on device writing \`${full}/\\S+\` \\(.+ free of 96 KiB\\) on worker full's own scratch disk \\(attempt 3 of 3\\): no worker with room ran the task$`,
        ),
      );
      expect(job.error?.details).toMatchObject({ errno: 'ENOSPC', worker: 'full' });
      // The task that ended the job was tried three times, handed on twice, then failed for good.
      const last = job.failures.find((f) => !f.willRetry)!;
      expect(
        job.failures.filter((f) => f.task === last.task).map((f) => [f.attempt, f.willRetry, f.fatal]),
      ).toEqual([
        [1, true, false],
        [2, true, false],
        [3, false, true],
      ]);
      expect(ownDiskFailures(job)).toHaveLength(job.failures.length);
      await expect(readdir(join(dir, 'out'))).resolves.not.toContain('never.mp4');
    } finally {
      await stop();
    }
  }, 120_000);
});
