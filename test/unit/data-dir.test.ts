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

  // A new user's trial: root passes /proc's and /sys's permission checks, and `transcode --data-dir
  // /proc` retried its mkdir forever; /sys and `jobs list` on either were taken.
  it.runIf(process.platform === 'linux').each([
    ['/proc/self', 'read' as const, 'proc'],
    ['/proc', 'write' as const, 'proc'],
    ['/proc', 'read' as const, 'proc'],
    ['/sys/kernel', 'read' as const, 'sysfs'],
  ])('refuses %s (to %s) on the kernel filesystem', async (dir, use, kind) => {
    await expect(checkDataDir(dir, use)).rejects.toThrow(
      `data dir \`${dir}\` is on the kernel's ${kind} filesystem, not a disk: choose a folder on a disk`,
    );
  });

  it.runIf(process.platform === 'linux')('refuses to make one under /proc or /sys', async () => {
    for (const dir of ['/proc/framefleet-data', '/sys/a/b'])
      await expect(ensureDataDir(dir)).rejects.toMatchObject({ code: 'DATA_DIR_UNUSABLE' });
  });
});
