import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { CreateBucketCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FramefleetError } from '../../src/errors.js';
import { openStorage, S3Storage } from '../../src/storage/index.js';

const MiB = 1024 * 1024;
let server: S3rver;
let endpoint: string;
let dir: string;
let storage: S3Storage;
let bucket: string;
let commands: string[];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ff-s3-storage-'));
  server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: path.join(dir, 'server') });
  const { port } = await server.run();
  endpoint = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

// A fresh bucket and prefix per test, through the same env variables a deployment uses.
beforeEach(async () => {
  bucket = `ff-test-${randomUUID().slice(0, 8)}`;
  const env = {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    FRAMEFLEET_S3_FORCE_PATH_STYLE: 'true',
  };
  storage = openStorage(`s3://${bucket}/run-${randomUUID().slice(0, 8)}`, {
    s3: { env, partSize: 5 * MiB, queueSize: 2 },
  }) as S3Storage;
  await storage.client.send(new CreateBucketCommand({ Bucket: bucket }));
  // Observes (does not alter) what the SDK sends, to prove which uploads went multipart.
  commands = [];
  storage.client.middlewareStack.add(
    (next, context) => (args) => {
      commands.push(context.commandName ?? '?');
      return next(args);
    },
    { step: 'initialize', name: 'ffRecordCommands' },
  );
});
afterEach(() => storage.close());

async function local(name: string, data: Buffer | string): Promise<string> {
  const file = path.join(dir, `${randomUUID().slice(0, 8)}-${name}`);
  await writeFile(file, data);
  return file;
}

async function rawKeys(): Promise<string[]> {
  const page = await storage.client.send(new ListObjectsV2Command({ Bucket: bucket }));
  return (page.Contents ?? []).map((o) => o.Key ?? '');
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<FramefleetError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FramefleetError);
  expect((error as FramefleetError).code).toBe(code);
  return error as FramefleetError;
}

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('S3Storage against s3rver', () => {
  it('puts, stats, fetches, lists and deletes under its prefix', async () => {
    const data = randomBytes(64 * 1024);
    const stored = await storage.put('jobs/a/seg-0001.mp4', await local('seg', data));
    expect(stored).toMatchObject({ key: 'jobs/a/seg-0001.mp4', size: data.length });
    expect(stored.mtimeMs).toBeGreaterThan(0);
    await storage.put('jobs/a/seg-0002.mp4', await local('seg2', 'two'));
    await storage.put('jobs/ab/other', await local('other', 'o'));
    expect((await rawKeys()).every((key) => key.startsWith(`${storage.prefix}/jobs/`))).toBe(true);

    expect(await storage.stat('jobs/a/seg-0001.mp4')).toMatchObject({ size: data.length });
    expect(await storage.stat('jobs/a/missing')).toBeUndefined();
    expect(storage.localPath()).toBeUndefined();

    const target = path.join(dir, 'fetched', 'seg.mp4');
    expect(await storage.fetch('jobs/a/seg-0001.mp4', target)).toBe(target);
    expect((await readFile(target)).equals(data)).toBe(true);
    expect(await readdir(path.dirname(target))).toEqual(['seg.mp4']);
    await rejectsWith(storage.fetch('jobs/none', path.join(dir, 'none')), 'NOT_FOUND');

    expect((await storage.list('jobs/a/')).map((o) => o.key)).toEqual([
      'jobs/a/seg-0001.mp4',
      'jobs/a/seg-0002.mp4',
    ]);
    expect((await storage.list('jobs/a')).map((o) => o.key)).toHaveLength(3);

    await storage.delete('jobs/a/seg-0002.mp4');
    await storage.delete('jobs/a/seg-0002.mp4');
    expect((await storage.list('jobs/')).map((o) => o.key)).toEqual(['jobs/a/seg-0001.mp4', 'jobs/ab/other']);
    await storage.deletePrefix('jobs/a/');
    expect((await storage.list('')).map((o) => o.key)).toEqual(['jobs/ab/other']);
    await rejectsWith(storage.deletePrefix(''), 'INVALID_ARGUMENT');
    await rejectsWith(storage.put('../x', await local('x', 'x')), 'PATH_FORBIDDEN');
  });

  it('serves a presigned URL that plain fetch can read', async () => {
    const data = randomBytes(10_000);
    await storage.put('media/in.mp4', await local('in', data));
    const url = await storage.readUrl('media/in.mp4', 60);
    expect(url).toContain('X-Amz-Signature=');
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(data)).toBe(true);
  });

  it('uploads a file above the part size in parts and reads back the same bytes', async () => {
    const data = randomBytes(11 * MiB);
    const file = await local('big', data);
    const stored = await storage.put('big/video.mp4', file, { move: true });
    expect(stored.size).toBe(data.length);
    await expect(readFile(file)).rejects.toThrow();
    const back = await readFile(await storage.fetch('big/video.mp4', path.join(dir, 'big-back')));
    expect(sha(back)).toBe(sha(data));
    expect(commands.filter((name) => name === 'UploadPartCommand')).toHaveLength(3);
    expect(commands).toContain('CompleteMultipartUploadCommand');
  });

  it('streams with a byte limit and never exposes a partial object', async () => {
    const ok = await storage.putStream('s/ok.bin', Readable.from([randomBytes(1000)]), { maxBytes: 1000 });
    expect(ok.size).toBe(1000);
    await storage.put('s/out.bin', await local('old', 'previous version'));

    // Small: a single PUT that never starts.
    await rejectsWith(
      storage.putStream('s/out.bin', Readable.from([randomBytes(800), randomBytes(800)]), { maxBytes: 1024 }),
      'PAYLOAD_TOO_LARGE',
    );
    // Large: a multipart upload whose first part is already sent when the limit trips.
    const chunks = Array.from({ length: 12 }, () => randomBytes(MiB));
    await rejectsWith(
      storage.putStream('s/out.bin', Readable.from(chunks), { maxBytes: 7 * MiB }),
      'PAYLOAD_TOO_LARGE',
    );
    await rejectsWith(
      storage.putStream('s/new.bin', Readable.from(chunks), { maxBytes: 7 * MiB }),
      'PAYLOAD_TOO_LARGE',
    );
    expect(commands).toContain('UploadPartCommand');
    expect(commands).not.toContain('CompleteMultipartUploadCommand');
    expect(commands).toContain('AbortMultipartUploadCommand');

    const after = await storage.fetch('s/out.bin', path.join(dir, 'after'));
    expect(await readFile(after, 'utf8')).toBe('previous version');
    expect(await storage.stat('s/new.bin')).toBeUndefined();
    expect((await storage.list('s/')).map((o) => o.key)).toEqual(['s/ok.bin', 's/out.bin']);
  });

  it('streams a large body through multipart', async () => {
    const chunks = Array.from({ length: 11 }, () => randomBytes(MiB));
    const stored = await storage.putStream('s/large.bin', Readable.from(chunks), { maxBytes: 64 * MiB });
    expect(stored.size).toBe(11 * MiB);
    expect(commands.filter((name) => name === 'UploadPartCommand')).toHaveLength(3);
    const back = await readFile(await storage.fetch('s/large.bin', path.join(dir, 'large-back')));
    expect(sha(back)).toBe(sha(Buffer.concat(chunks)));
  });

  it('names a missing bucket in its error', async () => {
    const other = new S3Storage('ff-no-such-bucket', 'p', {
      endpoint,
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      env: {},
    });
    try {
      const error = await rejectsWith(other.put('k', await local('k', 'k')), 'STORAGE_FAILED');
      expect(error.message).toContain('s3://ff-no-such-bucket/p');
    } finally {
      other.close();
    }
  });
});
