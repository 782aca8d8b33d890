import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEarlyProbe } from '../../src/media/probe-header.js';
import { probe } from '../../src/media/probe.js';
import { ffmpeg, tempDir } from '../helpers/media.js';

const clip = (path: string, size: string, seconds: number) =>
  ffmpeg([
    '-f',
    'lavfi',
    '-i',
    `testsrc2=s=${size}:r=25:d=${seconds}`,
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    path,
  ]);

describe('the header probe started before the program loads', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-early-probe-'));
  });
  afterAll(async () => cleanup());

  it('answers the probe of the same unchanged file, once', async () => {
    const path = join(dir, 'a.mp4');
    await clip(path, '160x90', 1);
    const plain = await probe(path);
    startEarlyProbe(path);
    expect(await probe(path)).toEqual(plain);
  });

  it('is not used for a file that changed after it started', async () => {
    const path = join(dir, 'b.mp4');
    await clip(path, '160x90', 1);
    startEarlyProbe(path);
    // Replaced while the program loaded: a new inode, another size and picture.
    await clip(join(dir, 'c.mp4'), '320x180', 2);
    await ffmpeg(['-i', join(dir, 'c.mp4'), '-c', 'copy', path]);
    const info = await probe(path);
    expect(info.video!.width).toBe(320);
    expect(info.video!.frameCount).toBe(50);
  });

  it('is not used for another file', async () => {
    const a = join(dir, 'd.mp4');
    const b = join(dir, 'e.mp4');
    await clip(a, '160x90', 1);
    await clip(b, '320x180', 1);
    startEarlyProbe(a);
    expect((await probe(b)).video!.width).toBe(320);
  });
});
