import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../../src/media/probe.js';
import { runCli } from '../helpers/cli.js';
import { ffmpeg, tempDir } from '../helpers/media.js';

// Found by the new-user trial: a 321x181 4:2:0 source (lossless FFV1, as a screen recorder or an
// editor's export can write) failed every segment's encode after retries with ffmpeg's "maybe
// incorrect parameters such as ... width or height" and exit 1; its proxy failed the same way, as
// did a proxy asked for at an odd --height.
describe('a source with odd sides', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let source: string;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-odd-size-'));
    source = join(dir, 'odd.mkv');
    await ffmpeg([
      ...['-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=10:d=1', '-f', 'lavfi', '-i', 'sine=d=1'],
      ...['-vf', 'scale=321:181', '-pix_fmt', 'yuv420p', '-c:v', 'ffv1', '-c:a', 'pcm_s16le', source],
    ]);
  });
  afterAll(() => cleanup());

  it('is refused by transcode before any task, naming the size and the crop that fits', async () => {
    const output = join(dir, 'out.mp4');
    const data = join(dir, 'data');
    const result = await runCli(['transcode', source, '-o', output, '--data-dir', data]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /is 321x181 yuv420p video, and libx264 needs an even width and height: crop it to an even size first \(ffmpeg -vf crop=320:180\) \[UNSUPPORTED_MEDIA\]/,
    );
    expect(existsSync(output)).toBe(false);
    expect(existsSync(join(data, 'jobs')) ? await readdir(join(data, 'jobs')) : []).toEqual([]);
  });

  // Found by a new user's trial: a 1x1 source was told to crop to 0:0.
  it('tells a source with a side of 1 to pad, and the padded file transcodes', async () => {
    const dot = join(dir, 'dot.mkv');
    await ffmpeg([
      ...['-f', 'lavfi', '-i', 'color=red:s=2x2:r=10:d=1'],
      ...['-vf', 'scale=1:3', '-pix_fmt', 'yuv420p', '-c:v', 'ffv1', dot],
    ]);
    const data = join(dir, 'data-dot');
    const refused = await runCli(['transcode', dot, '-o', join(dir, 'dot.mp4'), '--data-dir', data]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      'is 1x3 yuv420p video, and libx264 needs an even width and height: pad it to an even size first (ffmpeg -vf pad=2:4) [UNSUPPORTED_MEDIA]',
    );
    const padded = join(dir, 'dot-padded.mkv');
    await ffmpeg(['-i', dot, '-vf', 'pad=2:4', '-c:v', 'ffv1', padded]);
    const done = await runCli(['transcode', padded, '-o', join(dir, 'dot.mp4'), '--data-dir', data]);
    expect(done.code, done.stderr).toBe(0);
    expect((await probe(join(dir, 'dot.mp4'))).video).toMatchObject({ width: 2, height: 4 });
  });

  // A 4:4:4 source (a screen recording, an RGB export) was checked in its own format, which holds
  // odd sides, and then encoded 4:2:0 by --pixel-format auto: libx264 failed on every segment.
  it('refuses a 4:4:4 source that auto would encode 4:2:0, naming the way to keep it', async () => {
    const full = join(dir, 'odd444.mkv');
    await ffmpeg([
      ...['-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=10:d=1'],
      ...['-vf', 'scale=321:181', '-pix_fmt', 'yuv444p', '-c:v', 'ffv1', full],
    ]);
    const data = join(dir, 'data444');
    const result = await runCli(['transcode', full, '-o', join(dir, 'out444.mp4'), '--data-dir', data]);
    expect(result.stderr).toContain(
      'is 321x181 yuv444p video, and libx264 needs an even width and height (it encodes yuv420p): crop it to an even size first (ffmpeg -vf crop=320:180), or keep its yuv444p with --pixel-format source',
    );
    expect(result.code).toBe(2);
    const kept = await runCli([
      'transcode',
      full,
      '-o',
      join(dir, 'kept.mp4'),
      '--pixel-format',
      'source',
      '--data-dir',
      data,
    ]);
    expect(kept.code).toBe(0);
    const video = (await probe(join(dir, 'kept.mp4'))).video!;
    expect([video.width, video.height, video.pixFmt, video.frameCount]).toEqual([321, 181, 'yuv444p', 10]);
  });

  it.each([
    [[], 320, 180],
    [['--height', '100'], 178, 100],
  ])('makes a proxy with even sides (%j)', async (extra, width, height) => {
    const output = join(dir, `proxy-${height}.mp4`);
    const result = await runCli(['analyze', 'proxy', source, '-o', output, ...extra]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const video = (await probe(output)).video!;
    expect([video.width, video.height, video.frameCount]).toEqual([width, height, 10]);
  });
  // Found by a new user's trial: x265 and SVT-AV1 refuse small pictures when they open, and every
  // segment failed three times with ffmpeg's "maybe incorrect parameters".
  it.each([
    ['hevc', 'libx265', '8x8', 16],
    ['av1', 'libsvtav1', '48x48', 64],
  ])(
    'refuses a source smaller than --codec %s opens on, before any task',
    async (codec, encoder, size, min) => {
      const small = join(dir, `small-${codec}.mp4`);
      await ffmpeg(['-f', 'lavfi', '-i', `testsrc2=s=${size}:r=10:d=0.5`, '-c:v', 'libx264', small]);
      const data = join(dir, `data-${codec}`);
      const result = await runCli([
        'transcode',
        small,
        '-o',
        join(dir, `s-${codec}.mp4`),
        '--codec',
        codec,
        '--data-dir',
        data,
      ]);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain(
        `is ${size} video, and ${encoder} encodes nothing smaller than ${min}x${min}`,
      );
      expect(existsSync(join(data, 'jobs')) ? await readdir(join(data, 'jobs')) : []).toEqual([]);
    },
  );
  it('refuses a ladder rung smaller than its encoder opens on, naming the rung', async () => {
    const portrait = join(dir, 'portrait.mp4');
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=90x160:r=10:d=0.5', '-c:v', 'libx264', portrait]);
    const data = join(dir, 'data-rung');
    const args = ['transcode', portrait, '-o', join(dir, 'rung.m3u8'), '--ladder', '64', '--codec', 'av1'];
    const result = await runCli([...args, '--data-dir', data]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(
      'ladder rung 64p is 36x64, and libsvtav1 encodes nothing smaller than 64x64',
    );
  });
});
