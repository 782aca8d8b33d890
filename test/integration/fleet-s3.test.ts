import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/engine/redis/connection.js';
import { RedisBackend } from '../../src/engine/redis/redis-backend.js';
import { PipelineRegistry } from '../../src/engine/registry.js';
import { probe } from '../../src/media/probe.js';
import type { StitchOutput } from '../../src/pipelines/transcode/index.js';
import { allPipelines } from '../../src/pipelines/job-types.js';
import { openStorage, type S3Storage } from '../../src/storage/index.js';
import { FleetWorker } from '../../src/worker/fleet-worker.js';
import { cleanPrefix, cpuWorkerCapabilities, quietLog, REDIS_URL, uniquePrefix } from './redis-fixtures.js';
import { sampleClip } from '../helpers/media.js';

const WORKER = cpuWorkerCapabilities('fleet-s3');

// A fleet on S3 storage end to end: input read from the bucket, output uploaded to it, against a
// real S3-protocol server (s3rver) and a real Redis.
describe('fleet with s3:// input and output (s3rver, Redis)', () => {
  let dir: string;
  let server: S3rver;
  let storage: S3Storage;
  let root: string;
  let bucket: string;
  const redis = connectRedis(REDIS_URL);
  const prefix = uniquePrefix('s3fleet');
  let worker: FleetWorker;
  let backend: RedisBackend;
  const gets: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ff-fleet-s3-'));
    server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: join(dir, 's3') });
    const { port } = await server.run();
    bucket = `ff-fleet-${randomUUID().slice(0, 8)}`;
    root = `s3://${bucket}/media`;
    storage = openStorage(root, {
      s3: {
        env: {
          AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'S3RVER',
          AWS_SECRET_ACCESS_KEY: 'S3RVER',
          FRAMEFLEET_S3_FORCE_PATH_STYLE: 'true',
        },
      },
    }) as S3Storage;
    await storage.client.send(new CreateBucketCommand({ Bucket: bucket }));
    // Observes (does not alter) which objects the SDK downloads.
    storage.client.middlewareStack.add(
      (next, context) => (args) => {
        const key = (args.input as { Key?: string }).Key;
        if (context.commandName === 'GetObjectCommand' && key) gets.push(key);
        return next(args);
      },
      { step: 'initialize', name: 'ffRecordGets' },
    );
    const clip = join(dir, 'clip.mp4');
    await sampleClip({ path: clip, width: 320, height: 180, fps: 30, scenes: [1, 1, 1] });
    await storage.put('inbox/clip.mp4', clip);
    // Workers keep downloaded inputs here; a private folder keeps the test's cache its own.
    process.env.FRAMEFLEET_INPUT_CACHE = join(dir, 'input-cache');
    const registry = new PipelineRegistry(allPipelines());
    worker = new FleetWorker({
      redis,
      prefix,
      registry,
      storage,
      capabilities: WORKER,
      log: quietLog,
      concurrency: 2,
      heartbeatMs: 500,
      scratchRoot: join(dir, 'scratch'),
    });
    await worker.start();
    backend = await RedisBackend.open({ redis, prefix, registry, storage, log: quietLog, pollMs: 200 });
  }, 60_000);

  afterAll(async () => {
    delete process.env.FRAMEFLEET_INPUT_CACHE;
    await backend?.close();
    await worker?.stop(1000);
    storage?.close();
    await server?.close();
    await cleanPrefix(redis, prefix);
    await redis.quit();
    await rm(dir, { recursive: true, force: true });
  });

  it('transcodes an object into an object, downloading the input once per worker, and reuses it on resubmit', async () => {
    const spec = { input: `${root}/inbox/clip.mp4`, output: `${root}/out/clip-h264.mp4`, segments: 4 };
    const job = await backend.wait((await backend.submit('transcode', spec)).id);
    expect(job.error).toBeUndefined();
    expect(job.state).toBe('done');
    const result = job.result as StitchOutput;
    expect(result.output).toBe(spec.output);
    expect(result.frames).toBe(90);

    // The object is there, complete, and nothing half-written or intermediate is left beside it.
    const object = await storage.stat('out/clip-h264.mp4');
    expect(object?.size).toBe(result.size);
    const listed = await storage.client.send(new ListObjectsV2Command({ Bucket: bucket }));
    const keys = (listed.Contents ?? []).map((o) => o.Key);
    expect(keys.sort()).toEqual(['media/inbox/clip.mp4', 'media/out/clip-h264.mp4']);
    const back = join(dir, 'back.mp4');
    await storage.fetch('out/clip-h264.mp4', back);
    const info = await probe(back);
    expect(info.video?.frameCount).toBe(90);
    expect(info.video?.codec).toBe('h264');

    // Plan, the 4 segments and the audio task share one download of the input.
    expect(gets.filter((k) => k === 'media/inbox/clip.mp4')).toHaveLength(1);
    expect(await readdir(join(dir, 'input-cache'))).toHaveLength(1);

    // Same spec, same object: the same job, finished by re-verifying the uploaded output.
    const again = await backend.wait((await backend.submit('transcode', spec)).id);
    expect(again.id).toBe(job.id);
    expect(again.state).toBe('done');
    expect(again.tasks.find((t) => t.kind === 'transcode.stitch')?.reused).toBe(true);
  }, 120_000);

  it('refuses an output outside the storage before any work, naming the URL', async () => {
    const spec = { input: `${root}/inbox/clip.mp4`, output: `s3://another-bucket/out.mp4` };
    const job = await backend.wait((await backend.submit('transcode', spec)).id);
    expect(job.state).toBe('failed');
    expect(job.error?.code).toBe('PATH_FORBIDDEN');
    expect(job.error?.message).toContain('s3://another-bucket/out.mp4');
    expect(job.tasks.filter((t) => t.state === 'done')).toHaveLength(0);
  }, 60_000);

  it('fails clearly on a missing input object', async () => {
    const spec = { input: `${root}/inbox/missing.mp4`, output: `${root}/out/missing.mp4` };
    const job = await backend.wait((await backend.submit('transcode', spec)).id);
    expect(job.state).toBe('failed');
    expect(job.error?.code).toBe('INPUT_NOT_FOUND');
    expect(job.error?.message).toContain(`${root}/inbox/missing.mp4`);
  }, 60_000);
});
