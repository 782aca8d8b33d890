import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe, type MediaInfo } from '../../src/media/probe.js';
import { seekFrom, seekIndexOf } from '../../src/media/keyframe-seek.js';
import { hasSampleTables } from '../../src/media/mp4-samples.js';
import { rangeInput } from '../../src/media/range-input.js';
import { exactFrames } from '../../src/media/segment-args.js';
import { runCli } from '../helpers/cli.js';
import { ffmpeg, tempDir } from '../helpers/media.js';

const run = promisify(execFile);
const FPS = 25;
const FRAMES = 150;
const X264 = ['-c:v', 'libx264', '-preset', 'veryfast'];

/** Per-frame MD5s of frames [start, end) read with `rangeInput`, the way every segment and chunk reads. */
async function rangeHashes(path: string, info: MediaInfo, start: number, end: number): Promise<string[]> {
  const rate = { num: FPS, den: 1 };
  const { seek, filters } = rangeInput({
    start,
    rate,
    videoOffsetSec: info.video!.startTimeSec - info.startTimeSec,
    normaliseVfr: false,
    ...seekFrom(info.video!.keyframes, start, FPS, seekIndexOf(info.formatName)),
  });
  const args = [...seek, '-i', path, ...exactFrames(filters, end - start), '-f', 'framemd5', '-'];
  const { stdout } = await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', ...args]);
  return hashes(stdout);
}

function hashes(framemd5: string): string[] {
  return framemd5
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split(',').at(-1)!.trim());
}

// Sources that seek differently: B-frames (ffmpeg seeks 3/23 s early), open GOPs (leading frames
// that precede their keyframe), every frame a keyframe, a source with a late first keyframe, and
// MPEG-TS (no keyframe index: its demuxer's seek lands on any packet near the time).
const SOURCES: Record<string, { ext: string; codec: string[] }> = {
  'x264 B-frames, 2 s GOP': { ext: 'mp4', codec: ['-c:v', 'libx264', '-preset', 'veryfast', '-g', '50'] },
  'x264 open GOP': { ext: 'mp4', codec: [...X264, '-x264-params', 'keyint=40:open_gop=1:bframes=3'] },
  'all intra (MJPEG)': { ext: 'mkv', codec: ['-c:v', 'mjpeg', '-q:v', '5'] },
  'x264 short GOP (8 frames)': { ext: 'mp4', codec: [...X264, '-g', '8'] },
  'MPEG-TS, x264 B-frames, 2 s GOP': { ext: 'ts', codec: [...X264, '-g', '50', '-bf', '3'] },
  'MPEG-TS, x264 open GOP': { ext: 'ts', codec: [...X264, '-x264-params', 'keyint=40:open_gop=1:bframes=3'] },
  'MPEG-TS, x264 no B-frames, 1.2 s GOP': { ext: 'ts', codec: [...X264, '-g', '30', '-bf', '0'] },
};

describe('exact frame ranges seek onto source keyframes', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-seek-'));
  });
  afterAll(async () => cleanup());

  for (const [name, { ext, codec }] of Object.entries(SOURCES)) {
    it(`reads the same frames as a full decode: ${name}`, async () => {
      const path = join(dir, `${name.replace(/\W+/g, '-')}.${ext}`);
      await ffmpeg([
        ...['-f', 'lavfi', '-i', `testsrc2=s=192x108:r=${FPS},noise=alls=20:allf=t`],
        ...['-frames:v', String(FRAMES), '-pix_fmt', codec.includes('mjpeg') ? 'yuvj420p' : 'yuv420p'],
        ...codec,
        path,
      ]);
      const { stdout } = await run('ffmpeg', [
        '-hide_banner',
        '-loglevel',
        'error',
        '-i',
        path,
        '-f',
        'framemd5',
        '-',
      ]);
      const all = hashes(stdout);
      expect(all).toHaveLength(FRAMES);
      const info = await probe(path);
      const keyframes = info.video!.keyframes;
      // Every keyframe after the first, a frame just after one, and a frame in mid-GOP.
      const starts = new Set<number>([...keyframes.slice(1, 4), keyframes[1]! + 1, 63]);
      for (const start of starts) {
        const end = Math.min(FRAMES, start + 30);
        expect(await rangeHashes(path, info, start, end), `frames ${start}-${end}`).toEqual(
          all.slice(start, end),
        );
      }
    });
  }

  it('seeks onto keyframes only in a container that indexes them: an MPEG-TS source with audio transcodes frame-exact', async () => {
    const ts = join(dir, 'b-frames.ts');
    await ffmpeg([
      ...['-f', 'lavfi', '-i', `testsrc2=s=192x108:r=${FPS}:d=6`, '-f', 'lavfi', '-i', 'sine=d=6'],
      ...['-c:v', 'libx264', '-preset', 'veryfast', '-g', '50', '-bf', '3', '-c:a', 'aac', ts],
    ]);
    const info = await probe(ts);
    expect(hasSampleTables(info.formatName)).toBe(false);
    expect(hasSampleTables('mov,mp4,m4a,3gp,3g2,mj2')).toBe(true);
    // A TS demuxer seeks to a byte near the time: a seek aimed past a keyframe lost its whole GOP,
    // and an accurate seek near the range's first frame lost the frames before the next keyframe.
    // Its stream durations are estimates too (audio 7.78 s for 8.03 s of packets): the A/V check
    // measures the audio it carries instead.
    const out = join(dir, 'from-ts.mp4');
    const r = await runCli([
      'transcode',
      ts,
      '-o',
      out,
      '--segments',
      '3',
      '--data-dir',
      join(dir, 'ts-data'),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect((await probe(out)).video!.frameCount).toBe(info.video!.frameCount);
  });

  it('aims a fast seek at a keyframe only where it cannot land on the next one', () => {
    expect(seekFrom([0, 50, 100], 50, 25, 'samples')).toEqual({ seekKey: 50 });
    expect(seekFrom([0, 50, 100], 70, 25, 'samples')).toEqual({ seekKey: 50 });
    expect(seekFrom([0, 50, 100], 0, 25, 'samples')).toEqual({});
    // Keyframes 8 frames apart: a seek aimed past one could find the next; accurate seek instead.
    expect(seekFrom([0, 8, 16, 24], 16, 25, 'samples')).toEqual({});
    expect(seekFrom([], 40, 25, 'samples')).toEqual({});
    // The last keyframe has no next one to land on.
    expect(seekFrom([0, 100], 120, 25, 'samples')).toEqual({ seekKey: 100 });
  });

  it('knows which containers index their keyframes, and where decoding starts in those that do not', () => {
    expect(seekIndexOf('mov,mp4,m4a,3gp,3g2,mj2')).toBe('samples');
    expect(seekIndexOf('matroska,webm')).toBe('keyframes');
    expect(seekIndexOf('mpegts')).toBe('none');
    // Matroska's seek finds the keyframe by itself: the accurate seek.
    expect(seekFrom([0, 50, 100], 70, 25, 'keyframes')).toEqual({});
    expect(seekFrom([0, 50, 100], 50, 25, 'none')).toEqual({ seekBefore: 50 });
    expect(seekFrom([0, 50, 100], 99, 25, 'none')).toEqual({ seekBefore: 50 });
    // However close the keyframes: the seek aims before the one it needs, never past it.
    expect(seekFrom([0, 8, 16, 24], 17, 25, 'none')).toEqual({ seekBefore: 16 });
    expect(seekFrom([0, 50], 30, 25, 'none')).toEqual({ seekBefore: 0 });
    expect(seekFrom([0, 50], 0, 25, 'none')).toEqual({});
    // A VFR timeline has no keyframes on it: its own pre-roll seek.
    expect(seekFrom([], 40, 25, 'none')).toEqual({});
  });
});
