import { copyFile, mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localMedia } from '../../src/storage/media-io.js';
import type { StoredObject, Storage } from '../../src/storage/types.js';

// The cache logic on its own: a storage whose objects are files in a folder and that, like S3,
// has no local paths. (S3 itself is covered against s3rver in storage-s3 and fleet-s3.)
function folderStorage(root: string, fetched: string[]): Storage {
  const object = async (key: string): Promise<StoredObject | undefined> => {
    const info = await stat(join(root, key)).catch(() => undefined);
    return info && { key, size: info.size, mtimeMs: info.mtimeMs };
  };
  return {
    url: 's3://bucket/media',
    localPath: () => undefined,
    stat: object,
    fetch: async (key: string, localPath: string) => {
      fetched.push(key);
      await copyFile(join(root, key), localPath);
      return localPath;
    },
  } as unknown as Storage;
}

describe('stored input cache', () => {
  let dir: string;
  const fetched: string[] = [];
  let storage: Storage;
  const cache = () => readdir(join(dir, 'cache'));
  const age = async (minutes: number) => {
    const then = new Date(Date.now() - minutes * 60_000);
    for (const name of await cache()) await utimes(join(dir, 'cache', name), then, then);
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ff-input-cache-'));
    await rm(join(dir, 'cache'), { recursive: true, force: true });
    for (const name of ['a', 'b', 'c', 'd'])
      await writeFile(join(dir, `${name}.mp4`), Buffer.alloc(400 * 1024, name));
    storage = folderStorage(dir, fetched);
    process.env.FRAMEFLEET_INPUT_CACHE = join(dir, 'cache');
    process.env.FRAMEFLEET_INPUT_CACHE_MB = '1';
  });
  afterAll(async () => {
    delete process.env.FRAMEFLEET_INPUT_CACHE;
    delete process.env.FRAMEFLEET_INPUT_CACHE_MB;
    await rm(dir, { recursive: true, force: true });
  });

  it('downloads an object once however many tasks ask at once', async () => {
    const paths = await Promise.all(
      Array.from({ length: 5 }, () => localMedia('s3://bucket/media/a.mp4', storage)),
    );
    expect(new Set(paths).size).toBe(1);
    expect(fetched).toEqual(['a.mp4']);
    expect((await stat(paths[0]!)).size).toBe(400 * 1024);
  });

  it('evicts the least recently used idle inputs past the size cap, and spares recently used ones', async () => {
    await localMedia('s3://bucket/media/b.mp4', storage);
    await age(5);
    // a is used again now: c then needs room (3 x 400 KiB > 1 MiB), and b, idle longest, goes.
    const a = await localMedia('s3://bucket/media/a.mp4', storage);
    await localMedia('s3://bucket/media/c.mp4', storage);
    expect(await cache()).toHaveLength(2);
    expect((await cache()).some((n) => a.endsWith(n))).toBe(true);
    expect(fetched).toEqual(['a.mp4', 'b.mp4', 'c.mp4']);
    // With every cached file used in the last minute, nothing is removed (the cap is soft then).
    await localMedia('s3://bucket/media/d.mp4', storage);
    expect(await cache()).toHaveLength(3);
  });

  it('refuses a missing object and one outside the storage, naming the URL', async () => {
    await expect(localMedia('s3://bucket/media/none.mp4', storage)).rejects.toMatchObject({
      code: 'INPUT_NOT_FOUND',
      message: expect.stringContaining('s3://bucket/media/none.mp4'),
    });
    await expect(localMedia('s3://elsewhere/a.mp4', storage)).rejects.toMatchObject({
      code: 'PATH_FORBIDDEN',
    });
  });
});
