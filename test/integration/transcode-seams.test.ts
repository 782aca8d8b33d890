import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutorContext } from '../../src/engine/types.js';
import { writeFile } from 'node:fs/promises';
import { encoderByName } from '../../src/media/encoders/catalogue.js';
import { seekFrom } from '../../src/media/keyframe-seek.js';
import { readMp4VideoSamples } from '../../src/media/mp4-samples.js';
import { probe } from '../../src/media/probe.js';
import { runFfmpeg } from '../../src/media/run.js';
import { segmentArgs } from '../../src/media/segment-args.js';
import { planSegments, type SegmentRange } from '../../src/pipelines/transcode/plan-segments.js';
import { seamCheckFor, startSeamCheck } from '../../src/pipelines/transcode/seam-check.js';
import type { Storage } from '../../src/storage/types.js';
import { runCli } from '../helpers/cli.js';
import { ffmpeg, tempDir, sampleClip } from '../helpers/media.js';

// The seam check: at each segment's first frame, the output's picture is the source's of that index
// (not its neighbour's). Small clips: 320x180, 30 fps, 4 s, a keyframe every second.
describe('transcode seam check', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  const media = (name: string) => join(dir, name);
  const x264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '30', '-pix_fmt', 'yuv420p'];

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    // Fast motion everywhere: a neighbour is a different picture.
    await ffmpeg([
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=320x180:rate=30:duration=4',
      ...x264,
      media('motion.mp4'),
    ]);
    // One still picture with grain that changes every frame: neighbours as close as the frame itself.
    const still = 'testsrc2=size=320x180:rate=30,trim=end_frame=1,loop=loop=119:size=1,noise=alls=12:allf=t';
    await ffmpeg(['-f', 'lavfi', '-i', still, ...x264, media('still.mp4')]);
    await ffmpeg([
      '-f',
      'lavfi',
      '-i',
      'color=c=gray:size=320x180:rate=30:duration=4',
      ...x264,
      media('color.mp4'),
    ]);
    // Hard cuts every second: with 4 segments each seam is a cut.
    await sampleClip({
      path: media('cuts.mp4'),
      width: 320,
      height: 180,
      fps: 30,
      scenes: [1, 1, 1, 1],
    });
  }, 120_000);
  afterAll(() => cleanup());

  const transcode = (input: string, extra: string[]) =>
    runCli(
      ['transcode', media(input), '-o', media(`out-${input}`), '-y', '-v', '--segments', '4', ...extra],
      {},
      180_000,
    );

  it('a correct segmented transcode passes, its 3 seams checked', async () => {
    const result = await transcode('motion.mp4', ['--data-dir', join(dir, 'data-motion')]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/seam check: 3 seams, none a frame off the source/);
  }, 180_000);

  it.each([
    ['a still picture with grain, lowest quality', 'still.mp4'],
    ['one flat colour, lowest quality', 'color.mp4'],
    ['fast motion, lowest quality', 'motion.mp4'],
    ['a scene cut at every seam, lowest quality', 'cuts.mp4'],
  ])(
    'never fails a correct transcode: %s',
    async (_name, input) => {
      const result = await transcode(input, ['--quality', '1', '--data-dir', join(dir, `data-q1-${input}`)]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(/seam check: 3 seams, none a frame off the source/);
    },
    180_000,
  );

  describe('an output built by hand, checked as a stitch checks it', () => {
    const debug: string[] = [];
    const ctx = {
      jobId: 'job',
      taskId: 'stitch',
      signal: new AbortController().signal,
      storage: {} as Storage,
      log: {
        info: () => {},
        warn: () => {},
        error: () => {},
        debug: (_o: object, m: string) => debug.push(m),
      },
    } as unknown as ExecutorContext;
    const segments: SegmentRange[] = [
      { index: 0, start: 0, end: 60, startsAt: 'start' },
      { index: 1, start: 60, end: 120, startsAt: 'keyframe' },
    ];
    const check = async (output: string) => {
      const { keyframes } = await readMp4VideoSamples(media('motion.mp4'));
      const plan = seamCheckFor(
        {
          ...{ frames: 120, fps: 30, rate: { num: 30, den: 1 }, keyframes, seekIndex: 'samples' as const },
          ...{ videoOffsetSec: 0, videoStartSec: 0, normaliseVfr: false },
        },
        segments,
      );
      return startSeamCheck(plan, media('motion.mp4'), ctx).against(media(output), 0);
    };
    const source = (filters: string) => ['-i', media('motion.mp4'), '-filter_complex', filters, ...x264];

    it('passes the frames of the right index', async () => {
      await ffmpeg([...source('[0:v]null'), media('right.mp4')]);
      await expect(check('right.mp4')).resolves.toBeUndefined();
      expect(debug.at(-1)).toMatch(/seam check: 1 seam, none a frame off the source/);
    }, 60_000);

    it('fails a second segment that starts one frame late, naming the seam', async () => {
      // Frame 60 dropped: the second segment holds source frames 61 on.
      await ffmpeg([...source("[0:v]select='not(eq(n\\,60))',setpts=N/30/TB"), media('late.mp4')]);
      await expect(check('late.mp4')).rejects.toMatchObject({
        code: 'VERIFY_FAILED',
        message: expect.stringMatching(
          /^segment 1 \(frame 60, 2\.000 s\) starts one frame late: output frame 60 matches source frame 61 \(\d+\.\d dB\) better than 60 \(\d+\.\d dB\)$/,
        ),
      });
    }, 60_000);

    it.each([
      ['a Matroska output', 'late.mkv', []],
      // No keyframe at the seam: the one run of keyframes misses it, the decode by count finds it.
      ['an output whose seam is no keyframe', 'late-nokey.mp4', ['-g', '1000', '-sc_threshold', '0']],
    ])(
      'fails a late seam in %s too',
      async (_name, output, gop) => {
        await ffmpeg([...source("[0:v]select='not(eq(n\\,60))',setpts=N/30/TB"), ...gop, media(output)]);
        await expect(check(output)).rejects.toThrow(
          /^segment 1 \(frame 60, 2\.000 s\) starts one frame late/,
        );
      },
      60_000,
    );

    it('catches the MPEG-PS seek bug, whose seeks moved the check as they moved the segments', async () => {
      // MP2 audio 11 ms ahead of the video; segments cut as plans without the video's start still
      // are (from the seek point): every segment after a seek starts one frame early.
      const ps = media('ps.mpg');
      const lavfi = ['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=5'];
      await ffmpeg([
        ...lavfi,
        '-f',
        'lavfi',
        '-i',
        'sine=duration=5',
        '-c:v',
        'mpeg2video',
        '-c:a',
        'mp2',
        '-f',
        'vob',
        ps,
      ]);
      const info = await probe(ps);
      const video = info.video!;
      const rate = { num: 25, den: 1 };
      const ranges = planSegments({
        frameCount: video.frameCount,
        fps: 25,
        keyframes: video.keyframes,
        segments: 5,
      });
      const videoOffsetSec = video.startTimeSec - info.startTimeSec;
      const list: string[] = [];
      for (const r of ranges) {
        const output = media(`ps-${r.index}.mp4`);
        const seek = seekFrom(video.keyframes, r.start, 25, 'none');
        const encoder = encoderByName('libx264')!;
        const settings = { quality: 70, preset: 'fast' as const, gopFrames: 50 };
        const job = { ...r, input: ps, rate, videoOffsetSec, normaliseVfr: false, encoder, settings, output };
        await runFfmpeg(segmentArgs({ ...job, ...seek }), { timeoutMs: 60_000, label: 'segment' });
        list.push(`file '${output}'`);
      }
      await writeFile(media('ps.txt'), list.join('\n'));
      await ffmpeg(['-f', 'concat', '-safe', '0', '-i', media('ps.txt'), '-c', 'copy', media('ps-out.mp4')]);
      const plan = seamCheckFor(
        {
          frames: video.frameCount,
          fps: 25,
          rate,
          keyframes: video.keyframes,
          seekIndex: 'none',
          videoOffsetSec,
          normaliseVfr: false,
        },
        ranges,
      );
      expect(plan).toMatchObject({ byCount: true });
      await expect(startSeamCheck(plan, ps, ctx).against(media('ps-out.mp4'), 0)).rejects.toThrow(
        /^segment \d \(frame \d+, [\d.]+ s\) starts one frame early: output frame \d+ matches source frame \d+/,
      );
    }, 120_000);

    it('fails a second segment that starts one frame early', async () => {
      // Frame 59 twice: the second segment holds source frames 59 on.
      const early =
        '[0:v]split[a][b];[a]trim=end_frame=60[x];[b]trim=start_frame=59,setpts=PTS-STARTPTS[y];[x][y]concat';
      await ffmpeg([...source(early), media('early.mp4')]);
      await expect(check('early.mp4')).rejects.toThrow(
        /segment 1 \(frame 60, 2\.000 s\) starts one frame early: output frame 60 matches source frame 59/,
      );
    }, 60_000);
  });
});
