import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe, type MediaInfo } from '../../src/media/probe.js';
import { psnrByIndex } from '../../src/media/quality.js';
import { runCli } from '../helpers/cli.js';
import { flashAndBeep, flashToBeep } from '../helpers/flash-to-beep.js';
import { cutTs, ffmpeg, tempDir } from '../helpers/media.js';

// Sources that are not an MPEG-TS from the start: AVI (no presentation times), MPEG-PS (no
// keyframe index, frames without a pts), and a TS cut mid-GOP. Split from transcode-mpegts so the
// two run side by side.
describe('transcode of AVI, MPEG-PS and a TS cut mid-GOP is frame-exact', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ dir, cleanup } = await tempDir('ff-cut-sources-')));
  afterAll(async () => cleanup());
  // AVI stores no presentation times: its packets were not counted ('header lists 175 video
  // frames but only 0 can be read', INPUT_CORRUPT) where ffmpeg plays the file cleanly. Its decode
  // times run a frame off the frames after the first: segments decode from the first frame.
  it.each([
    [1, 0],
    [3, 2],
  ])('H.264 and MP3 in AVI, %i segment(s), %i B-frames: every frame once, in order', async (segments, bf) => {
    const input = join(dir, `h264-bf${bf}.avi`);
    await ffmpeg([
      ...['-f', 'lavfi', '-i', 'testsrc2=s=192x108:r=25:d=4', '-f', 'lavfi', '-i', 'sine=d=4'],
      ...[
        '-c:v',
        'libx264',
        '-preset',
        'veryfast',
        '-bf',
        String(bf),
        '-g',
        '50',
        '-c:a',
        'libmp3lame',
        input,
      ],
    ]);
    const output = join(dir, `h264-avi-${segments}.mp4`);
    const r = await runCli([
      ...['transcode', input, '-o', output, '--segments', String(segments), '--preset', 'fast'],
      ...['--data-dir', join(dir, `data-avi-${segments}`)],
    ]);
    expect(r.code, r.stderr).toBe(0);
    const psnr = await psnrByIndex(output, input);
    expect(psnr.perFrame).toHaveLength(100);
    expect(psnr.min).toBeGreaterThan(30);
  });

  // Found by a new user's trial: a capture tool's AVI marks dropped frames as empty chunks, which
  // its index counts and the demuxer skips; the file was refused ('header lists 120 video frames
  // but only 106 can be read', INPUT_CORRUPT) though ffmpeg plays it whole. The gaps hold the
  // frame before; a file cut short is still refused.
  it('an AVI with dropped frames (empty chunks) keeps its length; one cut short is refused', async () => {
    const input = join(dir, 'dropped.avi');
    await ffmpeg([
      ...['-f', 'lavfi', '-i', 'testsrc2=s=192x108:r=30:d=4', '-f', 'lavfi', '-i', 'sine=d=4'],
      ...['-vf', "select='not(between(n,30,40))*not(between(n,70,72))'", '-fps_mode', 'passthrough'],
      ...['-c:v', 'mjpeg', '-c:a', 'pcm_s16le', input],
    ]);
    const output = join(dir, 'dropped.mp4');
    const r = await runCli([
      ...['transcode', input, '-o', output, '--segments', '2', '--data-dir', join(dir, 'data-dropped')],
    ]);
    expect(r.code, r.stderr).toBe(0);
    const out = await probe(output);
    expect(out.video!.frameCount).toBe(120);
    expect(out.video!.durationSec).toBeCloseTo(4, 2);
    const cut = join(dir, 'dropped-cut.avi');
    await writeFile(cut, (await readFile(input)).subarray(0, 300_000));
    const refused = await runCli([
      'transcode',
      cut,
      '-o',
      join(dir, 'cut.mp4'),
      '--data-dir',
      join(dir, 'data-dropped'),
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /is truncated or corrupt: its header lists 120 video frames but only \d+ can be read/,
    );
  });

  // MPEG-PS leaves some frames without a pts (a false VFR warning) and its header ends the video
  // before the trailing B-frames (the A/V check failed, 'source 0.0771 s'). Its MP2 audio starts
  // 11 ms before the video, and ffmpeg's seek re-based the frames on another start than ffprobe's:
  // segments after a seek began a frame early (verified, exit 0, every frame after one off: 21 dB).
  it('MPEG-2 and MP2 in MPEG-PS, 3 segments: verified, every frame once, in order', async () => {
    const input = join(dir, 'ps.mpg');
    await ffmpeg([
      ...['-f', 'lavfi', '-i', 'testsrc2=s=192x108:r=25:d=4', '-f', 'lavfi', '-i', 'sine=d=4'],
      ...['-c:v', 'mpeg2video', '-bf', '2', '-g', '12', '-c:a', 'mp2', input],
    ]);
    const output = join(dir, 'ps-3.mp4');
    const r = await runCli([
      ...['transcode', input, '-o', output, '--segments', '3', '--preset', 'fast'],
      ...['--data-dir', join(dir, 'data-ps')],
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('variable frame rate');
    expect((await probe(output)).video!.frameCount).toBe(100);
    const psnr = await psnrByIndex(output, input);
    expect(psnr.perFrame).toHaveLength(100);
    expect(psnr.min).toBeGreaterThan(30);
  });
  // A TS recording cut mid-GOP opens with packets no decoder shows (they refer to pictures before
  // the cut): they were counted as frames, so one pass was refused as INPUT_CORRUPT ('8 of its frames
  // could not be decoded') and segments failed the A/V check. The video starts at the first keyframe.
  // The cut file, its probe and its flash-to-beep time: the same for both cases, made once.
  let cutSource: Promise<{ cut: string; src: MediaInfo; flash: number }> | undefined;
  const makeCutSource = async () => {
    const whole = join(dir, 'flash.ts');
    const cut = join(dir, 'flash-cut.ts');
    // A white frame and a beep together at 5 s; the file cut 2/5 in, on a TS packet boundary.
    await ffmpeg([
      ...flashAndBeep('color=c=black:s=192x108:r=25:d=8', 8, 5),
      ...[
        '-c:v',
        'libx264',
        '-preset',
        'veryfast',
        '-g',
        '50',
        '-bf',
        '2',
        '-c:a',
        'aac',
        '-f',
        'mpegts',
        whole,
      ],
    ]);
    await cutTs(whole, cut, 2 / 5);
    const [src, flash] = await Promise.all([probe(cut), flashToBeep(cut)]);
    return { cut, src, flash };
  };
  it.each([1, 3])(
    'a TS cut mid-GOP, %i segment(s): starts at its first keyframe, in sync, warned',
    async (segments) => {
      const { cut, src, flash } = await (cutSource ??= makeCutSource());
      expect(src.video!.undecodableLead).toBeGreaterThan(0);
      const output = join(dir, `flash-cut-${segments}.mp4`);
      const r = await runCli([
        ...['transcode', cut, '-o', output, '--segments', String(segments), '--preset', 'fast'],
        ...['--data-dir', join(dir, `data-flash-${segments}`)],
      ]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/starts mid-GOP: its first \d+ video packets .* cannot be decoded/);
      // Every frame ffmpeg decodes from the cut file, once, in order.
      const psnr = await psnrByIndex(output, cut);
      expect((await probe(output)).video!.frameCount).toBe(psnr.perFrame.length);
      expect(psnr.min).toBeGreaterThan(30);
      // The flash and the beep as far apart as in the source (detector latency cancels out).
      expect(Math.abs(flash - (await flashToBeep(output)))).toBeLessThan(0.012);
    },
  );
});
