import { randomBytes } from 'node:crypto';
import { mkdtemp, mkdir, readdir, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FramefleetError } from '../../src/errors.js';
import { FileStorage, openStorage } from '../../src/storage/index.js';

let dir: string;
let root: string;
let storage: FileStorage;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ff-file-storage-'));
  root = path.join(dir, 'root');
  storage = new FileStorage(root);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function local(name: string, data: Buffer | string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, data);
  return file;
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

describe('FileStorage', () => {
  it('opens from file:// and bare absolute paths', () => {
    expect(openStorage(pathToFileURL(root).href).url).toBe(storage.url);
    expect(openStorage(root).url).toBe(storage.url);
    expect(storage.url.startsWith('file:///')).toBe(true);
  });

  it('puts, stats, fetches, lists and deletes', async () => {
    const data = randomBytes(4096);
    const stored = await storage.put('jobs/a/seg-0001.mp4', await local('in.mp4', data));
    expect(stored).toMatchObject({ key: 'jobs/a/seg-0001.mp4', size: 4096 });
    await storage.put('jobs/a/seg-0002.mp4', await local('in2.mp4', 'xx'));
    await storage.put('jobs/ab/other', await local('in3', 'y'));

    expect(await storage.stat('jobs/a/seg-0001.mp4')).toMatchObject({ size: 4096 });
    expect(await storage.stat('jobs/a/missing')).toBeUndefined();
    expect(await storage.stat('jobs/a')).toBeUndefined();

    const direct = await storage.fetch('jobs/a/seg-0001.mp4', path.join(dir, 'ignored'));
    expect(direct).toBe(path.join(storage.root, 'jobs/a/seg-0001.mp4'));
    expect((await readFile(direct)).equals(data)).toBe(true);
    expect(storage.localPath('jobs/a/seg-0001.mp4')).toBe(direct);
    expect(await storage.readUrl('jobs/a/seg-0001.mp4')).toBe(direct);
    await rejectsWith(storage.fetch('jobs/none', path.join(dir, 'x')), 'NOT_FOUND');

    expect((await storage.list('jobs/a/')).map((o) => o.key)).toEqual([
      'jobs/a/seg-0001.mp4',
      'jobs/a/seg-0002.mp4',
    ]);
    expect((await storage.list('jobs/a')).map((o) => o.key)).toEqual([
      'jobs/a/seg-0001.mp4',
      'jobs/a/seg-0002.mp4',
      'jobs/ab/other',
    ]);
    expect((await storage.list('')).length).toBe(3);
    expect(await storage.list('nothing/here/')).toEqual([]);

    await storage.delete('jobs/a/seg-0002.mp4');
    await storage.delete('jobs/a/seg-0002.mp4');
    expect((await storage.list('jobs/a/')).map((o) => o.key)).toEqual(['jobs/a/seg-0001.mp4']);
    await storage.deletePrefix('jobs/a/');
    expect((await storage.list('jobs/')).map((o) => o.key)).toEqual(['jobs/ab/other']);
    await storage.deletePrefix('jobs/a');
    expect(await storage.list('')).toEqual([]);
    await rejectsWith(storage.deletePrefix(''), 'INVALID_ARGUMENT');
  });

  it('moves a file into place and overwrites on a re-run, leaving no temporary names', async () => {
    const first = await local('first', 'first');
    await storage.put('out/result.mp4', first, { move: true });
    await expect(readFile(first)).rejects.toThrow();
    await storage.put('out/result.mp4', await local('second', 'second run'));
    expect(await readFile(path.join(storage.root, 'out/result.mp4'), 'utf8')).toBe('second run');
    expect(await readdir(path.join(storage.root, 'out'))).toEqual(['result.mp4']);
  });

  it('streams with a byte limit and leaves nothing behind when it is exceeded', async () => {
    const ok = await storage.putStream('s/ok.bin', Readable.from([Buffer.alloc(1000), Buffer.alloc(24)]), {
      maxBytes: 1024,
    });
    expect(ok.size).toBe(1024);
    await storage.put('s/big.bin', await local('old', 'previous version'));
    const chunks = Array.from({ length: 10 }, () => randomBytes(512));
    const error = await rejectsWith(
      storage.putStream('s/big.bin', Readable.from(chunks), { maxBytes: 1024 }),
      'PAYLOAD_TOO_LARGE',
    );
    expect(error.message).toContain('s/big.bin');
    expect(await readFile(path.join(storage.root, 's/big.bin'), 'utf8')).toBe('previous version');
    expect((await readdir(path.join(storage.root, 's'))).sort()).toEqual(['big.bin', 'ok.bin']);
  });

  it('keeps a failed source stream from publishing anything', async () => {
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(100));
        this.destroy(new Error('source went away'));
      },
    });
    await rejectsWith(storage.putStream('f/x.bin', failing), 'STORAGE_FAILED');
    expect(await storage.stat('f/x.bin')).toBeUndefined();
    expect(await readdir(path.join(storage.root, 'f'))).toEqual([]);
  });

  it('refuses keys that leave the root', async () => {
    const file = await local('in', 'x');
    for (const key of ['../escape', 'a/../../escape', '/etc/passwd', 'a/..']) {
      const error = await rejectsWith(storage.put(key, file), 'PATH_FORBIDDEN');
      expect(error.message).toContain(key);
    }
    for (const key of ['', 'a//b', './a', 'a/', 'a\\b']) {
      await rejectsWith(storage.put(key, file), 'INVALID_ARGUMENT');
    }
    expect(() => storage.localPath('../x')).toThrow(/\.\./);
  });

  it('refuses symlinks that point outside the root, and follows ones that stay inside', async () => {
    const outside = path.join(dir, 'outside');
    await mkdir(outside);
    await writeFile(path.join(outside, 'secret'), 'secret');
    await mkdir(storage.root, { recursive: true });
    await symlink(outside, path.join(storage.root, 'link-dir'));
    await symlink(path.join(outside, 'secret'), path.join(storage.root, 'link-file'));
    const file = await local('in', 'x');

    await rejectsWith(storage.put('link-dir/new', file), 'PATH_FORBIDDEN');
    await rejectsWith(storage.fetch('link-dir/secret', path.join(dir, 'x')), 'PATH_FORBIDDEN');
    await rejectsWith(storage.stat('link-file'), 'PATH_FORBIDDEN');
    await rejectsWith(storage.readUrl('link-file'), 'PATH_FORBIDDEN');
    await rejectsWith(storage.deletePrefix('link-dir/'), 'PATH_FORBIDDEN');
    expect(() => storage.localPath('link-dir/secret')).toThrow(FramefleetError);
    expect(await readdir(outside)).toEqual(['secret']);
    expect((await storage.list('')).map((o) => o.key)).toEqual([]);

    await mkdir(path.join(storage.root, 'real'));
    await symlink(path.join(storage.root, 'real'), path.join(storage.root, 'inside'));
    await storage.put('inside/ok', file);
    expect(await readFile(path.join(storage.root, 'real/ok'), 'utf8')).toBe('x');
  });

  it('canonicalises a root that is itself a symlink', async () => {
    await mkdir(path.join(dir, 'target'));
    await symlink(path.join(dir, 'target'), path.join(dir, 'alias'));
    const aliased = new FileStorage(path.join(dir, 'alias'));
    expect(aliased.root).toBe(path.join(await realpath(dir), 'target'));
    await aliased.put('k', await local('in', 'z'));
    expect(await readFile(path.join(dir, 'target/k'), 'utf8')).toBe('z');
  });
});
