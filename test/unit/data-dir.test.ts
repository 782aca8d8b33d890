import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDataDir, ensureDataDir } from '../../src/runtime/data-dir.js';

describe('ensureDataDir', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ff-data-dir-'));
    await writeFile(path.join(dir, 'afile'), '');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('makes missing parents and accepts an existing folder', async () => {
    await ensureDataDir(path.join(dir, 'a', 'b'));
    expect((await stat(path.join(dir, 'a', 'b'))).isDirectory()).toBe(true);
    await ensureDataDir(path.join(dir, 'a', 'b'));
  });

  it.each([
    ['a regular file', 'afile', /`.*afile` is a file, not a folder$/],
    ['under a regular file', 'afile/sub', /afile\/sub` cannot be used: ENOTDIR$/],
  ])('refuses %s in one line', async (_name, rel, message) => {
    const error = ensureDataDir(path.join(dir, rel));
    await expect(error).rejects.toMatchObject({ code: 'DATA_DIR_UNUSABLE' });
    await expect(error).rejects.toThrow(message);
  });

  // Node's recursive mkdir never returns under /proc; this one answers at once.
  it.runIf(process.platform === 'linux')('refuses /proc and /sys paths without hanging', async () => {
    for (const bad of ['/proc/nope', '/proc/nope/deeper', '/sys/nope'])
      await expect(ensureDataDir(bad)).rejects.toMatchObject({ code: 'DATA_DIR_UNUSABLE' });
  });
});

describe('checkDataDir (jobs list/show/rm/clean: nothing is made)', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ff-data-dir-check-'));
    await writeFile(path.join(dir, 'afile'), '');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('says whether a usable folder is there, and makes none', async () => {
    expect(await checkDataDir(dir)).toBe(true);
    expect(await checkDataDir(path.join(dir, 'a', 'b'))).toBe(false);
    await expect(stat(path.join(dir, 'a'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it.each([
    ['a regular file', 'afile', /`.*afile` is a file, not a folder$/],
    ['under a regular file', 'afile/sub', /afile\/sub` cannot be used: ENOTDIR$/],
  ])('refuses %s in one line', async (_name, rel, message) => {
    const error = checkDataDir(path.join(dir, rel));
    await expect(error).rejects.toMatchObject({ code: 'DATA_DIR_UNUSABLE' });
    await expect(error).rejects.toThrow(message);
  });

  it.runIf(process.platform === 'linux')('refuses /proc/self, which no one may write', async () => {
    await expect(checkDataDir('/proc/self')).rejects.toThrow(/`\/proc\/self` is not writable: E/);
  });
});
