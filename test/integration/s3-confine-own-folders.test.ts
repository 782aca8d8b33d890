import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { FastifyInstance } from 'fastify';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/engine/redis/connection.js';
import { openRuntime, type Runtime } from '../../src/runtime/runtime.js';
import { buildServer } from '../../src/server/index.js';
import { openStorage, type S3Storage } from '../../src/storage/index.js';
import { sampleClip } from '../helpers/media.js';
import { cleanPrefix, quietLog, REDIS_URL, uniquePrefix } from './redis-fixtures.js';

// Found by a security tester: with `--storage s3://bucket/prefix` an s3:// input or output skipped
// confinement, so a job could replace a client's upload, write into scratch/ and tmp/, and read a
// running job's intermediates (scratch/<jobId>/...). A path in the data dir was refused all along.
describe('s3:// job files are never in framefleet’s own folders (s3rver, Redis)', () => {
  let dir: string;
  let s3: S3rver;
  let storage: S3Storage;
  let runtime: Runtime;
  let app: FastifyInstance;
  let url: string;
  let root: string;
  let bucket: string;
  const prefix = uniquePrefix('s3confine');
  const env: Record<string, string> = {};
  const saved: Record<string, string | undefined> = {};
  let upload: { key: string; url: string };
  let mine: { key: string; url: string };
  let uploaded: Buffer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ff-s3-confine-'));
    s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: join(dir, 's3') });
    const { port } = await s3.run();
    Object.assign(env, {
      AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      FRAMEFLEET_S3_FORCE_PATH_STYLE: 'true',
      FRAMEFLEET_INPUT_CACHE: join(dir, 'input-cache'),
    });
    // The runtime opens its storage from the URL and the environment, as `framefleet server` does.
    for (const [name, value] of Object.entries(env)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
    bucket = `ff-confine-${randomUUID().slice(0, 8)}`;
    root = `s3://${bucket}/pfx`;
    storage = openStorage(root) as S3Storage;
    await storage.client.send(new CreateBucketCommand({ Bucket: bucket }));
    await Promise.all(['in', 'out', 'data'].map((d) => mkdir(join(dir, d))));
    runtime = await openRuntime({
      mode: 'redis',
      redisUrl: REDIS_URL,
      prefix,
      storageUrl: root,
      worker: true,
      dataDir: join(dir, 'data'),
      cpuSlots: 2,
      roots: { input: [join(dir, 'in')], output: [join(dir, 'out')] },
      log: quietLog,
    });
    app = await buildServer({
      backend: runtime.backend,
      storage: runtime.storage,
      fleet: runtime.fleet,
      gpus: runtime.gpus,
      roots: runtime.roots,
      logger: false,
    });
    url = await app.listen({ port: 0, host: '127.0.0.1' });

    const clip = await sampleClip({
      path: join(dir, 'clip.mp4'),
      width: 160,
      height: 90,
      fps: 10,
      scenes: [1],
    });
    uploaded = await readFile(clip.path);
    const send = async () => {
      const response = await fetch(`${url}/v1/uploads?name=clip.mp4`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: uploaded,
      });
      expect(response.status).toBe(201);
      return (await response.json()) as { key: string; url: string };
    };
    // Another client's upload (the victim's), and the attacker's own.
    upload = await send();
    mine = await send();
    expect(upload.url).toBe(`${root}/${upload.key}`);
    // A running job's intermediates, which no other job may read.
    await storage.put('scratch/0123-job/seg-0.mp4', clip.path);
    await storage.put('tmp/attempt/x.mp4', clip.path);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await runtime?.close();
    storage?.close();
    await s3?.close();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    const redis = connectRedis(REDIS_URL);
    await cleanPrefix(redis, prefix);
    await redis.quit();
    await rm(dir, { recursive: true, force: true });
  });

  const keys = async () =>
    ((await storage.client.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? [])
      .map((o) => `${o.Key}:${o.Size}:${o.ETag}`)
      .sort();
  const post = async (spec: Record<string, unknown>) => {
    const response = await fetch(`${url}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'transcode', spec }),
    });
    return {
      status: response.status,
      body: (await response.json()) as { error?: { code: string; message: string }; id?: string },
    };
  };
  const ownFolder = (side: string, value: string, folder: string) =>
    `${side} \`${value}\` lies in framefleet's own folder \`${root}/${folder}/\``;

  it.each([
    ['the victim’s upload, with overwrite', () => `${root}/${upload.key}`, 'uploads'],
    ['a new file in uploads/', () => `${root}/uploads/new.mp4`, 'uploads'],
    ['scratch/', () => `${root}/scratch/evil.mp4`, 'scratch'],
    ['a running job’s scratch', () => `${root}/scratch/0123-job/seg-0.mp4`, 'scratch'],
    ['tmp/', () => `${root}/tmp/x.mkv`, 'tmp'],
    ['cache/', () => `${root}/cache/montage/x.mp4`, 'cache'],
    ['jobs/', () => `${root}/jobs/x.mp4`, 'jobs'],
    ['percent-encoded', () => `${root}/%73cratch/evil.mp4`, 'scratch'],
    ['double-encoded', () => `${root}/%2573cratch/evil.mp4`, 'scratch'],
    ['a dot-dot segment', () => `${root}/inbox/../scratch/evil.mp4`, 'scratch'],
    ['an encoded dot-dot and slash', () => `${root}/inbox%2f%2e%2e%2fscratch/evil.mp4`, 'scratch'],
    ['a doubled slash', () => `${root}//scratch/evil.mp4`, 'scratch'],
    ['a dot segment', () => `${root}/./tmp/x.mkv`, 'tmp'],
    ['another case', () => `${root}/Uploads/${upload.key.slice('uploads/'.length)}`, 'uploads'],
  ])('refuses an output in %s with 403 PATH_FORBIDDEN, writing nothing', async (_name, output, folder) => {
    const before = await keys();
    const value = output();
    const r = await post({ input: mine.url, output: value, overwrite: true });
    expect(r.status).toBe(403);
    expect(r.body.error?.code).toBe('PATH_FORBIDDEN');
    expect(r.body.error?.message).toContain(ownFolder('output', value, folder));
    expect(r.body.error?.message).not.toContain('\n');
    expect(await keys()).toEqual(before);
  });

  it.each([
    ['a running job’s scratch', () => `${root}/scratch/0123-job/seg-0.mp4`, 'scratch'],
    ['tmp/', () => `${root}/tmp/attempt/x.mp4`, 'tmp'],
    ['percent-encoded', () => `${root}/scr%61tch/0123-job/seg-0.mp4`, 'scratch'],
    ['a dot-dot segment', () => `${root}/uploads/../scratch/0123-job/seg-0.mp4`, 'scratch'],
  ])('refuses an input in %s with 403 PATH_FORBIDDEN', async (_name, input, folder) => {
    const before = await keys();
    const value = input();
    const r = await post({ input: value, output: `${root}/out/stolen.mp4` });
    expect(r.status).toBe(403);
    expect(r.body.error?.code).toBe('PATH_FORBIDDEN');
    expect(r.body.error?.message).toContain(ownFolder('input', value, folder));
    expect(await keys()).toEqual(before);
  });

  it('queued nothing for the refused submits', async () => {
    expect((await runtime.backend.list({})).total).toBe(0);
  });

  it('transcodes an upload used as input into an object outside its own folders', async () => {
    const r = await post({ input: upload.url, output: `${root}/out/clip.mp4` });
    expect(r.status).toBe(202);
    const job = await runtime.backend.wait(r.body.id!);
    expect(job.error).toBeUndefined();
    expect(job.state).toBe('done');
    expect((await storage.stat('out/clip.mp4'))?.size).toBeGreaterThan(0);
  });

  it('refuses the same again where a worker opens the file (jobs queued without the API)', async () => {
    const run = async (spec: Record<string, unknown>) =>
      runtime.backend.wait((await runtime.backend.submit('transcode', spec)).id);
    for (const [output, key] of [
      [`${root}/scratch/evil.mp4`, 'scratch/evil.mp4'],
      [`${root}/${upload.key}`, upload.key],
    ] as const) {
      const job = await run({ input: mine.url, output, overwrite: true });
      expect(job.state).toBe('failed');
      expect(job.error?.code).toBe('PATH_FORBIDDEN');
      expect(job.error?.message).toContain(`output \`${output}\` lies in framefleet's own folder`);
      if (key === 'scratch/evil.mp4') expect(await storage.stat(key)).toBeUndefined();
    }
    const input = `${root}/scratch/0123-job/seg-0.mp4`;
    const read = await run({ input, output: `${root}/out/stolen.mp4` });
    expect(read.state).toBe('failed');
    expect(read.error?.code).toBe('PATH_FORBIDDEN');
    expect(read.error?.message).toContain(`input \`${input}\` lies in framefleet's own folder`);
    expect(await storage.stat('out/stolen.mp4')).toBeUndefined();
    // The victim's upload is as it was uploaded.
    const back = join(dir, 'back.mp4');
    await storage.fetch(upload.key, back);
    expect((await readFile(back)).equals(uploaded)).toBe(true);
  });
});
