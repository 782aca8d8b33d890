import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRecord } from '../../src/engine/types.js';
import { silentLogger } from '../../src/logger.js';
import { probe } from '../../src/media/probe.js';
import { connectRedis } from '../../src/engine/redis/connection.js';
import { RedisBackend } from '../../src/engine/redis/redis-backend.js';
import { PipelineRegistry } from '../../src/engine/registry.js';
import { allPipelines } from '../../src/pipelines/job-types.js';
import { sweepRetention } from '../../src/runtime/retention-sweep.js';
import { DAY_MS } from '../../src/storage/retention.js';
import { openStorage, type S3Storage } from '../../src/storage/index.js';
import { CLI, runCli } from '../helpers/cli.js';
import { tempDir, sampleClip } from '../helpers/media.js';
import { cleanPrefix, REDIS_URL, uniquePrefix } from './redis-fixtures.js';

interface Manifest {
  job: JobRecord;
}
const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/**
 * The retention sweeper on real jobs: one finished, one stopped part-way by Ctrl-C (resumable). Aged
 * files of every class go; the paused job's intermediates and every output stay, and the paused job
 * still resumes to a verified output afterwards.
 */
describe('retention sweep', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let data: string;
  let pausedId = '';
  let doneId = '';
  const jobs = async () => {
    const ids = await readdir(join(data, 'jobs')).catch(() => [] as string[]);
    const out: JobRecord[] = [];
    for (const id of ids) {
      const text = await readFile(join(data, 'jobs', id, 'manifest.json'), 'utf8').catch(() => undefined);
      if (text) out.push((JSON.parse(text) as Manifest).job);
    }
    return out;
  };
  const sweep = (args: string[]) =>
    runCli(['sweep', '--data-dir', data, '--scratch-root', join(dir, 'workers'), '--json', ...args], {
      FRAMEFLEET_CONFIG: '',
    });

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-retention-'));
    data = join(dir, 'data');
    const short = join(dir, 'short.mp4');
    const long = join(dir, 'long.mp4');
    await sampleClip({ path: short, width: 160, height: 90, fps: 25, scenes: [1, 1] });
    await sampleClip({ path: long, width: 240, height: 136, fps: 25, scenes: [1.5, 1.5, 1.5] });
    // A finished job, its output inside the storage root (outputs are never swept, wherever they are).
    await mkdir(join(data, 'outputs'), { recursive: true });
    const done = await runCli(
      ['transcode', short, '-o', join(data, 'outputs', 'short-out.mp4'), '--data-dir', data, '-q'],
      { FRAMEFLEET_CONFIG: '' },
    );
    expect(done.code, done.stderr).toBe(0);
    doneId = (await jobs())[0]!.id;
    // A job stopped by Ctrl-C after its first verified segment: resumable.
    const child = spawn(process.execPath, [
      ...[CLI, 'transcode', long, '-o', join(dir, 'long-out.mp4'), '--segments', '4', '--workers', '1'],
      ...['--preset', 'quality', '--data-dir', data, '-q'],
    ]);
    const closed = new Promise((done) => child.on('close', done));
    for (let i = 0; i < 1800; i++) {
      const paused = (await jobs()).find((j) => j.id !== doneId);
      if (paused?.tasks.some((t) => t.kind === 'transcode.segment' && t.state === 'done')) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGINT');
    expect(await closed).toBe(130);
    pausedId = (await jobs()).find((j) => j.id !== doneId)!.id;
    // Left-overs of each class: an upload no job reads, a crashed attempt's folder, a half-written
    // file, a worker's abandoned scratch; and the done job's intermediates (kept by hand).
    await mkdir(join(data, 'uploads', 'u1'), { recursive: true });
    await writeFile(join(data, 'uploads', 'u1', 'old.mp4'), 'x'.repeat(1000));
    await mkdir(join(data, 'tmp', 'segment-0-dead'), { recursive: true });
    await writeFile(join(data, 'tmp', 'segment-0-dead', 'part.mkv'), 'x'.repeat(500));
    await writeFile(join(data, 'outputs', '.short-out.mp4.ff-tmp-0a1b2c'), 'half');
    await mkdir(join(dir, 'workers', 'w1', 'task-1'), { recursive: true });
    await writeFile(join(dir, 'workers', 'w1', 'task-1', 'seg.mkv'), 'x'.repeat(200));
    await mkdir(join(data, 'scratch', doneId), { recursive: true });
    await writeFile(join(data, 'scratch', doneId, 'segment-9.mkv'), 'x'.repeat(300));
  }, 240_000);
  afterAll(() => cleanup());

  it('keeps everything younger than the policy (the defaults: 1, 7 and 30 days)', async () => {
    const result = await sweep([]);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as {
      removed: { temp: { count: number }; intermediates: { count: number }; jobs: string[] };
    };
    expect(report.removed).toMatchObject({ temp: { count: 0 }, intermediates: { count: 0 }, jobs: [] });
    expect(await exists(join(data, 'uploads', 'u1', 'old.mp4'))).toBe(true);
  });

  it('removes aged files of each class; the paused job’s intermediates and every output survive', async () => {
    const pausedScratch = await readdir(join(data, 'scratch', pausedId));
    expect(pausedScratch.length).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 2500));
    // ~1.7 s for every class, from framefleet.yaml: what is older goes.
    const config = join(dir, 'framefleet.yaml');
    await writeFile(
      config,
      'retention:\n  tempDays: 0.00002\n  intermediateDays: 0.00002\n  jobDays: 0.00002\n',
    );
    const result = await runCli(
      ['--config', config, 'sweep', '--data-dir', data, '--scratch-root', join(dir, 'workers'), '--json'],
      { FRAMEFLEET_CONFIG: '' },
    );
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { removed: { jobs: string[] }; keptForLiveJobs: string[] };
    expect(report.removed.jobs).toEqual([doneId]);
    expect(report.keptForLiveJobs).toContain(`scratch/${pausedId}/`);
    for (const gone of [
      join(data, 'uploads', 'u1', 'old.mp4'),
      join(data, 'tmp', 'segment-0-dead'),
      join(data, 'outputs', '.short-out.mp4.ff-tmp-0a1b2c'),
      join(dir, 'workers', 'w1', 'task-1'),
      join(data, 'scratch', doneId),
      join(data, 'jobs', doneId),
    ])
      expect(await exists(gone), gone).toBe(false);
    expect(await readdir(join(data, 'scratch', pausedId))).toEqual(pausedScratch);
    expect((await jobs()).map((j) => j.id)).toEqual([pausedId]);
    expect((await probe(join(data, 'outputs', 'short-out.mp4'))).video!.frameCount).toBe(50);
  });

  it('the paused job resumes after the sweep, reusing its kept segments', async () => {
    const resumed = await runCli(
      ['jobs', 'resume', pausedId, '--json', '--data-dir', data],
      { FRAMEFLEET_CONFIG: '' },
      180_000,
    );
    expect(resumed.code, resumed.stderr).toBe(0);
    const result = JSON.parse(resumed.stdout.trim().split('\n').pop()!) as {
      reusedSegments: number;
      frames: number;
    };
    expect(result.reusedSegments).toBeGreaterThanOrEqual(1);
    expect((await probe(join(dir, 'long-out.mp4'))).video!.frameCount).toBe(result.frames);
  });

  it('sweeps S3 storage the same way (s3rver, Redis): aged intermediates go; a queued job’s and outputs stay', async () => {
    const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: join(dir, 's3') });
    const { port } = await server.run();
    const bucket = `ff-sweep-${randomUUID().slice(0, 8)}`;
    const env = {
      AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      FRAMEFLEET_S3_FORCE_PATH_STYLE: 'true',
    };
    const storage = openStorage(`s3://${bucket}/fleet`, { s3: { env } }) as S3Storage;
    await storage.client.send(new CreateBucketCommand({ Bucket: bucket }));
    const redis = connectRedis(REDIS_URL);
    const prefix = uniquePrefix('sweep');
    const registry = new PipelineRegistry(allPipelines());
    // No worker: the submitted job stays queued, as live as a running one.
    const backend = await RedisBackend.open({
      redis,
      prefix,
      registry,
      storage,
      log: silentLogger,
      pollMs: 200,
    });
    try {
      const clip = join(dir, 'short.mp4');
      for (const key of [
        'uploads/u3/clip.mp4',
        'uploads/u2/old.mp4',
        'tmp/attempt/x.bin',
        'outputs/final.mp4',
      ])
        await storage.put(key, clip);
      const queued = await backend.submit('transcode', {
        input: `s3://${bucket}/fleet/uploads/u3/clip.mp4`,
        output: `s3://${bucket}/fleet/outputs/clip.mp4`,
      });
      await storage.put(`scratch/${queued.id}/segment-0.mkv`, clip);
      await storage.put('scratch/forgotten-job/segment-0.mkv', clip);
      // Eight days on: past the 7 days of intermediates and the 1 of temp files.
      const report = await sweepRetention({
        backend,
        storage,
        policy: { tempDays: 1, intermediateDays: 7, jobDays: 30 },
        nowMs: Date.now() + 8 * DAY_MS,
        scratchRoots: [],
      });
      expect(report.removed.jobs).toEqual([]);
      expect(report.keptForLiveJobs.sort()).toEqual([`scratch/${queued.id}/`, 'uploads/u3/clip.mp4']);
      const left = (await storage.list('')).map((o) => o.key).sort();
      expect(left).toEqual([
        'outputs/final.mp4',
        `scratch/${queued.id}/segment-0.mkv`,
        'uploads/u3/clip.mp4',
      ]);
    } finally {
      await backend.close();
      await cleanPrefix(redis, prefix);
      redis.disconnect();
      storage.close();
      await server.close();
    }
  });
});
