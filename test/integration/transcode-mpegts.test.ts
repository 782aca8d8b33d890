import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe, type MediaInfo } from '../../src/media/probe.js';
import { psnrByIndex } from '../../src/media/quality.js';
import { runCli } from '../helpers/cli.js';
import { ffmpeg, tempDir } from '../helpers/media.js';

// An MPEG-TS has no keyframe index: its demuxer's seek lands on any packet before the time and
// decoding waits for the next keyframe, so a segment seeking near its first frame began at the
// keyframe after it: short (a failed encode), or holding later frames (a verified count, wrong
// pictures). Split points off the 2 s keyframes of a 7 s source (3, 5 and 7 segments) show both.
const SOURCES = {
  // B-frames, a 2 s GOP and the usual MPEG-TS start (1.4 s, audio before video).
  'B-frames, 25 fps': ['-r', '25', '-g', '50', '-bf', '3', '-c:a', 'aac'],
  // No B-frames, an NTSC rate and the stream starting at 10 s.
  'no B-frames, 29.97 fps, starting at 10 s': [
    ...['-r', '30000/1001', '-g', '60', '-bf', '0', '-c:a', 'aac'],
    ...['-muxdelay', '0', '-output_ts_offset', '10'],
  ],
};

const CASES: [keyof typeof SOURCES, number, string][] = [
  ['B-frames, 25 fps', 3, 'mp4'],
  ['B-frames, 25 fps', 5, 'mp4'],
  ['B-frames, 25 fps', 7, 'mkv'],
  ['no B-frames, 29.97 fps, starting at 10 s', 5, 'mp4'],
];

describe('transcode of an MPEG-TS is frame-exact at any segment count', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  const source = (name: keyof typeof SOURCES) => join(dir, `${name.replace(/\W+/g, '-')}.ts`);
  // Each source probed once, when a case first needs it (three cases share one source).
  const probed = new Map<string, Promise<MediaInfo>>();
  const probeSource = (name: keyof typeof SOURCES) => {
    if (!probed.has(name)) probed.set(name, probe(source(name)));
    return probed.get(name)!;
  };

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-mpegts-'));
    await Promise.all(
      Object.entries(SOURCES).map(([name, args]) =>
        ffmpeg([
          ...['-f', 'lavfi', '-i', 'testsrc2=s=192x108:r=30:d=7', '-f', 'lavfi', '-i', 'sine=d=7'],
          ...['-c:v', 'libx264', '-preset', 'veryfast', ...args, '-f', 'mpegts'],
          source(name as keyof typeof SOURCES),
        ]),
      ),
    );
  });
  afterAll(async () => cleanup());

  /** The CLI's transcode of `input` in `segments` segments to .`ext`, checked to exit cleanly. */
  async function transcode(input: string, segments: number, ext: string): Promise<string> {
    const name = `${basename(input, '.ts')}-${segments}`;
    const output = join(dir, `${name}.${ext}`);
    const r = await runCli([
      ...['transcode', input, '-o', output, '--segments', String(segments), '--preset', 'fast'],
      ...['--data-dir', join(dir, `data-${name}-${ext}`)],
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`${segments} segment${segments === 1 ? '' : 's'} encoded`);
    return output;
  }

  it.each(CASES)(
    '%s, %i segments, to .%s: every source frame once, in order',
    async (name, segments, ext) => {
      const input = source(name);
      const output = await transcode(input, segments, ext);
      const [src, out] = await Promise.all([probeSource(name), probe(output)]);
      expect(out.video!.frameCount).toBe(src.video!.frameCount);
      // Frame i against source frame i: a segment holding other frames collapses PSNR (under 20 dB).
      const psnr = await psnrByIndex(output, input);
      expect(psnr.perFrame).toHaveLength(src.video!.frameCount);
      expect(psnr.min).toBeGreaterThan(30);
    },
  );

  it('a variable frame rate with 5 s GOPs: 5 segments hold the frames one segment does', async () => {
    // 30 fps with every other frame of seconds 2-4 dropped; a keyframe every 150 frames, so the
    // ranges' 2 s pre-roll alone seeks past the keyframe they need.
    const input = join(dir, 'vfr.ts');
    await ffmpeg([
      ...['-f', 'lavfi', '-i', 'testsrc2=s=192x108:r=30:d=7', '-f', 'lavfi', '-i', 'sine=d=7'],
      ...['-vf', "select='not(between(t,2,4)*mod(n,2))'", '-fps_mode', 'vfr'],
      ...['-c:v', 'libx264', '-preset', 'veryfast', '-g', '150', '-bf', '2', '-c:a', 'aac', input],
    ]);
    expect((await probe(input)).video!.variableFrameRate).toBe(true);
    const [whole, split] = await Promise.all([transcode(input, 1, 'mp4'), transcode(input, 5, 'mp4')]);
    const [one, five] = await Promise.all([probe(whole), probe(split)]);
    expect(five.video!.frameCount).toBe(one.video!.frameCount);
    const psnr = await psnrByIndex(split, whole);
    expect(psnr.perFrame).toHaveLength(one.video!.frameCount);
    expect(psnr.min).toBeGreaterThan(30);
  });
});
