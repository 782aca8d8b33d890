import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isInside, ownDiskFull } from '../../src/engine/redis/own-disk-full.js';
import { FramefleetError, noSpaceError } from '../../src/errors.js';
import type { Storage } from '../../src/storage/types.js';

/** A storage with no local files (S3): its disk is never a worker's. */
const remote = { localPath: () => undefined } as unknown as Storage;
const enospc = Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' });

// A full disk is fatal, except where it is a fleet worker's own scratch: another worker may have room.
describe("a full disk that is the worker's own", () => {
  it('is a NO_SPACE error that names a file under the scratch root, with the shared storage elsewhere', () => {
    const path = '/scratch/w1/job-x/segment-000-ab/segment-0.mp4';
    const error = noSpaceError(path, enospc);
    expect(error.details).toMatchObject({ errno: 'ENOSPC', path });
    expect(ownDiskFull(error, ['/scratch/w1'], remote)).toBe(path);
    expect(ownDiskFull(error, ['/elsewhere', '/scratch/w1/job-x'], remote)).toBe(path);
  });

  it.each([
    [
      'a file outside the roots (the output, the storage)',
      noSpaceError('/out/x.mp4', enospc),
      ['/scratch/w1'],
    ],
    ['a root that is a prefix of the name only', noSpaceError('/scratch/w10/a.mp4', enospc), ['/scratch/w1']],
    ['no root (the submitter has no scratch)', noSpaceError('/scratch/w1/a.mp4', enospc), ['']],
    ['NO_SPACE that names no file', new FramefleetError('NO_SPACE', 'ffmpeg: no space'), ['/']],
    [
      'another error',
      new FramefleetError('FFMPEG_FAILED', 'x', { details: { path: '/scratch/w1/a' } }),
      ['/scratch/w1'],
    ],
  ])('is not %s', (_name, error, roots) => {
    expect(ownDiskFull(error, roots, remote)).toBeUndefined();
  });

  it('is not a scratch folder on the shared storage disk: a retry anywhere fills the same disk', () => {
    // Neither folder exists: each is judged by the nearest folder that does, the same one here.
    const scratch = join(tmpdir(), 'ff-unit-own-disk', 'scratch');
    const local = { localPath: (key: string) => join(tmpdir(), 'ff-unit-own-disk', 'shared', key) };
    const error = noSpaceError(join(scratch, 'a.mp4'), enospc);
    expect(ownDiskFull(error, [scratch], local as unknown as Storage)).toBeUndefined();
    expect(ownDiskFull(error, [scratch], remote)).toBe(join(scratch, 'a.mp4'));
  });

  it.each([
    ['/a', '/a', true],
    ['/a', '/a/b/c', true],
    ['/a/', '/a/..b', true],
    ['/a', '/ab', false],
    ['/a', '/a/../b', false],
    ['/a/b', '/a', false],
  ])('%s holds %s: %s', (root, path, inside) => {
    expect(isInside(root, path)).toBe(inside);
  });
});
