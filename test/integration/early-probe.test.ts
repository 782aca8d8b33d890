import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeChapters } from '../../src/media/chapters.js';
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

  it('is in-process for a plain H.264 MP4 or AAC M4A without one started: no ffprobe runs for it or its chapters', async () => {
    const mp4 = join(dir, 'f.mp4');
    const mkv = join(dir, 'f.mkv');
    await clip(mp4, '160x90', 1);
    await ffmpeg(['-i', mp4, '-c', 'copy', mkv]);
    const m4a = join(dir, 'f.m4a');
    await ffmpeg(['-f', 'lavfi', '-i', 'sine=d=1', '-c:a', 'aac', m4a]);
    const saved = process.env.FFPROBE_PATH;
    process.env.FFPROBE_PATH = join(dir, 'no-ffprobe-here');
    try {
      const info = await probe(mp4);
      expect(info.video!.frameCount).toBe(25);
      expect(await probeChapters(mp4)).toEqual([]);
      // An M4A of AAC alone (as a transcode's audio task writes its file) too.
      expect((await probe(m4a)).audio!.durationSec).toBeCloseTo(1, 1);
      // Anything else is still ffprobe's, which cannot start here.
      await expect(probe(mkv)).rejects.toThrow(/no-ffprobe-here/);
    } finally {
      if (saved === undefined) delete process.env.FFPROBE_PATH;
      else process.env.FFPROBE_PATH = saved;
    }
  });
});
