import { describe, expect, it } from 'vitest';
import { FramefleetError } from '../../src/errors.js';
import { JOB_TYPES } from '../../src/pipelines/job-types.js';
import { confineSpec } from '../../src/server/job-types.js';

const transcodeJobType = JOB_TYPES.find((t) => t.type === 'transcode')!;
import { isStorageUrl, storageKeyOf } from '../../src/storage/media-io.js';
import type { Storage } from '../../src/storage/types.js';

const storage = { url: 's3://media/fleet/' } as Storage;

function code(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof FramefleetError ? error.code : 'not a FramefleetError';
  }
  return undefined;
}

describe('stored media URLs', () => {
  it('tells s3:// URLs from paths', () => {
    expect(isStorageUrl('s3://media/fleet/in.mp4')).toBe(true);
    expect(isStorageUrl('S3://media/in.mp4')).toBe(true);
    expect(isStorageUrl('/data/in.mp4')).toBe(false);
    expect(isStorageUrl('https://example.com/in.mp4')).toBe(false);
  });

  it.each([
    ['s3://media/fleet/in.mp4', 'in.mp4'],
    ['s3://media/fleet/a/b/c.mov', 'a/b/c.mov'],
  ])('maps %s to key %s', (url, key) => {
    expect(storageKeyOf(url, storage)).toBe(key);
  });

  it.each([
    's3://media/other/in.mp4',
    's3://media/fleetx/in.mp4',
    's3://other/fleet/in.mp4',
    's3://media/fleet/',
  ])('refuses %s, outside the storage', (url) => {
    expect(code(() => storageKeyOf(url, storage))).toBe('PATH_FORBIDDEN');
  });
});

describe('server spec confinement with a storage', () => {
  const confinement = { inputRoots: ['/nowhere'], outputRoots: ['/nowhere'], allowHosts: [] };
  const download = () => Promise.reject(new Error('no download expected'));

  it('passes s3:// input and output under the storage through unchanged', async () => {
    const spec = { input: 's3://media/fleet/in.mp4', output: 's3://media/fleet/out/x.mp4' };
    expect(await confineSpec(transcodeJobType, spec, confinement, download, storage)).toEqual(spec);
  });

  it('refuses s3:// URLs outside the storage, and any s3:// URL without one', async () => {
    const outside = { input: 's3://media/elsewhere/in.mp4', output: 's3://media/fleet/x.mp4' };
    await expect(
      confineSpec(transcodeJobType, outside, confinement, download, storage),
    ).rejects.toMatchObject({
      code: 'PATH_FORBIDDEN',
    });
    const output = { input: 's3://media/fleet/in.mp4', output: 's3://media/fleet/x.mp4' };
    await expect(confineSpec(transcodeJobType, output, confinement, download)).rejects.toMatchObject({
      code: 'PATH_FORBIDDEN',
    });
  });
});
