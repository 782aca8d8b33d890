import type { ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/engine/redis/connection.js';
import { RedisKeys } from '../../src/engine/redis/keys.js';
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
  startRedisServer,
  uniquePrefix,
} from './redis-fixtures.js';

const FRAMES = 8 * 12;
const MAX_KILLS = 8;
// Low enough to catch a shifted, dropped or duplicated frame (PSNR collapses), high enough for x264 fast.
const MIN_FRAME_PSNR = 25;

interface Fleet {
  redisUrl: string;
  prefix: string;
  storageUrl: string;
  capabilities: string;
}

let dir: string;
let cleanup: () => Promise<void>;
let source: string;
let capabilities: string;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('ff-chaos-'));
  source = join(dir, 'source.mp4');
  capabilities = join(dir, 'worker.yaml');
  await writeFile(capabilities, 'detect: false\ncores: 1\nencoders: [libx264]\n');
  // 8 one-second scenes at 12 fps: 8 segments of 12 frames, cheap enough for a 2-core box.
  await sampleClip({
    path: source,
    width: 160,
    height: 90,
    fps: 12,
    scenes: Array(8).fill(1),
    audio: true,
  });
});
afterAll(() => cleanup());

let generation = 0;
function startWorker(fleet: Fleet): ChildProcess {
  generation += 1;
  return spawnWorker([
    '--redis',
    fleet.redisUrl,
    '--storage',
    fleet.storageUrl,
    '--prefix',
    fleet.prefix,
    '--capabilities',
    fleet.capabilities,
    '--concurrency',
    '1',
    '--id',
    `chaos-${generation}`,
    '--lock-seconds',
    '3',
    '--stalled-seconds',
    '1',
    '--heartbeat-seconds',
    '1',
    '--grace-seconds',
    '1',
    '--log-level',
    'error',
  ]);
}

async function openFleet(
  redisUrl: string,
  name: string,
): Promise<{ fleet: Fleet; redis: Redis; backend: RedisBackend }> {
  const shared = join(dir, `shared-${name}`);
  await mkdir(shared, { recursive: true });
  const fleet = {
    redisUrl,
    prefix: uniquePrefix(name),
    storageUrl: pathToFileURL(shared).href,
    capabilities,
  };
  const redis = connectRedis(redisUrl);
  const backend = await RedisBackend.open({
    redis,
    prefix: fleet.prefix,
    registry: new PipelineRegistry(allPipelines()),
    storage: new FileStorage(shared),
    log: quietLog,
    pollMs: 500,
  });
  return { fleet, redis, backend };
}

/** Jobs of 8 segments; every second one splits on scene cuts, so its graph grows while it runs. */
async function submitJobs(backend: RedisBackend, count: number, name: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const output = join(dir, `${name}-${i}.mp4`);
    const sceneCuts = i % 2 === 1;
    ids.push(
      (await backend.submit('transcode', { input: source, output, segments: 8, preset: 'fast', sceneCuts }))
        .id,
    );
  }
  return ids;
}

/** Expansions stored per expanding job (each must be exactly one) and jobs with a task listed twice. */
async function expansionCounts(redis: Redis, prefix: string, jobs: JobRecord[]) {
  const keys = new RedisKeys(prefix);
  const expanding = jobs.filter((j) => (j.spec as { sceneCuts?: boolean }).sceneCuts);
  const stored = await Promise.all(expanding.map((j) => redis.llen(keys.expansions(j.id))));
  const duplicated = jobs.filter((j) => new Set(j.tasks.map((t) => t.id)).size !== j.tasks.length).length;
  return { expanding: expanding.length, stored, duplicated };
}

/** Every output has every frame, each one close to its source frame by index. */
async function checkOutputs(jobs: JobRecord[]): Promise<{ lost: number; corrupt: number; minPsnr: number }> {
  let corrupt = 0;
  let minPsnr = Infinity;
  for (const job of jobs) {
    const output = (job.spec as { output: string }).output;
    const frames = (await probe(output).catch(() => undefined))?.video?.frameCount;
    const psnr = await psnrByIndex(output, source).catch(() => undefined);
    minPsnr = Math.min(minPsnr, psnr?.min ?? 0);
    if (frames !== FRAMES || !psnr || psnr.perFrame.length !== FRAMES || psnr.min < MIN_FRAME_PSNR)
      corrupt += 1;
  }
  return { lost: jobs.filter((j) => j.state !== 'done').length, corrupt, minPsnr };
}

function extraEncodes(jobs: JobRecord[]): number {
  return jobs.flatMap((j) => j.tasks).reduce((sum, t) => sum + Math.max(0, t.attempts - 1), 0);
}

/** SIGTERM: a worker finishes or hands back its tasks and exits 0 (SIGKILL only if it hangs). */
async function stopAll(workers: ChildProcess[]): Promise<(number | null)[]> {
  for (const w of workers) w.kill('SIGTERM');
  return Promise.all(
    workers.map((w) => Promise.race([exited(w), sleep(8000).then(() => (w.kill('SIGKILL'), -1))])),
  );
}

describe('chaos: workers SIGKILLed and restarted mid-run', () => {
  it('completes 7 jobs x 8 segments with 0 lost and 0 corrupt outputs', async () => {
    const { fleet, redis, backend } = await openFleet(REDIS_URL, 'chaos');
    const workers = [startWorker(fleet), startWorker(fleet), startWorker(fleet)];
    try {
      const ids = await submitJobs(backend, 7, 'chaos');
      const all = Promise.all(ids.map((id) => backend.wait(id)));
      let finished = false;
      void all.finally(() => (finished = true));
      let kills = 0;
      const started = Date.now();
      // A kill every few seconds, at most MAX_KILLS: each restart costs a node start-up on two shared cores.
      while (!finished && kills < MAX_KILLS && Date.now() - started < 150_000) {
        await Promise.race([sleep(4000), all]);
        if (finished) break;
        const victim = Math.floor(Math.random() * workers.length);
        workers[victim]!.kill('SIGKILL');
        await exited(workers[victim]!);
        workers[victim] = startWorker(fleet);
        kills += 1;
      }
      const jobs = await all;
      const { lost, corrupt, minPsnr } = await checkOutputs(jobs);
      const expansions = await expansionCounts(redis, fleet.prefix, jobs);
      const segments = jobs.flatMap((j) => j.tasks).filter((t) => t.kind === 'transcode.segment');
      console.log(
        `chaos: ${kills} workers killed in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
          `${jobs.length} jobs, ${lost} lost, ${corrupt} corrupt, min frame PSNR ${minPsnr.toFixed(1)} dB; ` +
          `extra encode work: ${extraEncodes(jobs)} task attempts beyond one ` +
          `(${segments.reduce((s, t) => s + t.attempts - 1, 0)} of ${segments.length} segments); ` +
          `${expansions.expanding} expanding jobs, expansions stored ${expansions.stored.join(' ')}`,
      );
      expect(kills).toBeGreaterThan(0);
      expect({ lost, corrupt }).toEqual({ lost: 0, corrupt: 0 });
      expect(expansions.expanding).toBe(3);
      expect(expansions.stored).toEqual([1, 1, 1]);
      expect(expansions.duplicated).toBe(0);
      expect(segments).toHaveLength(8 * 7);
    } finally {
      await stopAll(workers);
      await backend.close();
      await cleanPrefix(redis, fleet.prefix);
      await redis.quit();
    }
    // 23-85 s alone or beside one other file; in the full suite on two slow shared cores, beside
    // ffmpeg-heavy files, the restarts and re-encodes took longer than 200 s twice.
  }, 400_000);
});

describe('chaos: Redis restarted mid-run (AOF on)', () => {
  it('finishes every job once Redis is back; workers and submitter reconnect on their own', async () => {
    const redisDir = join(dir, 'redis');
    await mkdir(redisDir, { recursive: true });
    let server = await startRedisServer(redisDir);
    const { fleet, redis, backend } = await openFleet(server.url, 'restart');
    const workers = [startWorker(fleet), startWorker(fleet)];
    try {
      const ids = await submitJobs(backend, 3, 'restart');
      const all = Promise.all(ids.map((id) => backend.wait(id)));
      // Restart once the fan-out is under way.
      const first = ids[0]!;
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline) {
        const job = await backend.get(first);
        if (job?.tasks.some((t) => t.state === 'done')) break;
        await sleep(100);
      }
      server.process.kill('SIGTERM');
      await exited(server.process);
      await sleep(1000);
      server = await startRedisServer(redisDir, server.port);
      const jobs = await all;
      const { lost, corrupt } = await checkOutputs(jobs);
      console.log(
        `redis restart: ${jobs.length} jobs, ${lost} lost, ${corrupt} corrupt, extra attempts ${extraEncodes(jobs)}`,
      );
      expect({ lost, corrupt }).toEqual({ lost: 0, corrupt: 0 });
      expect(await stopAll(workers)).toEqual([0, 0]);
    } finally {
      await stopAll(workers);
      await backend.close();
      await redis.quit().catch(() => undefined);
      server.process.kill('SIGKILL');
    }
  }, 120_000);
});
