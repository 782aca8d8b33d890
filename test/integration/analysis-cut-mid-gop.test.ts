import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../../src/media/probe.js';
import { aggregateScenes, analyzeScenes, measureScenes } from '../../src/pipelines/analyze/index.js';
import { runCli } from '../helpers/cli.js';
import { cutTs, ffmpeg, FAST_X264, tempDir } from '../helpers/media.js';

// Scene analysis of a TS cut mid-GOP counted frames from the first decoded picture, where the probe
// and transcode count from the first keyframe: HEVC's decoder (ffmpeg 5.1) shows grey pictures
// before it, so cuts came out frames late and the grey-to-picture change could be a false cut.
// Small: 320x180, 5 s at 25 fps, one hard cut at source frame 95 (3.8 s), GOPs of 30 frames.
describe('scene analysis of a TS cut mid-GOP', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ dir, cleanup } = await tempDir('ff-scenes-cut-')));
  afterAll(async () => cleanup());

  const CUT_FRAME = 95;
  const encoders = {
    hevc: [
      ...['-c:v', 'libx265', '-preset', 'ultrafast'],
      ...['-x265-params', 'keyint=30:min-keyint=30:bframes=3:scenecut=0:open-gop=0:log-level=error'],
    ],
    h264: [...FAST_X264, '-g', '30', '-keyint_min', '30', '-bf', '3', '-sc_threshold', '0'],
  };

  it.each(['hevc', 'h264'] as const)(
    '%s: the cut at the frame transcode counts, none at the start',
    async (codec) => {
      const whole = join(dir, `${codec}.ts`);
      const cut = join(dir, `${codec}-cut.ts`);
      await ffmpeg([
        ...['-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=25:d=3.8'],
        ...['-f', 'lavfi', '-i', 'smptebars=s=320x180:r=25:d=1.2'],
        ...['-filter_complex', '[0:v][1:v]concat=n=2:v=1:a=0'],
        ...encoders[codec],
        ...['-f', 'mpegts', whole],
      ]);
      await cutTs(whole, cut, 2 / 5);
      const [src, full] = await Promise.all([probe(cut), probe(whole)]);
      expect(src.video!.undecodableLead).toBeGreaterThan(0);
      // Transcode's frame 0 is the cut's first keyframe: the whole recording's frame `skip`.
      const skip = Math.round((src.video!.startTimeSec - full.video!.startTimeSec) * 25);
      expect(skip).toBeGreaterThan(0);
      const result = await analyzeScenes(cut, { parallel: 1 });
      expect(result.frames).toBe(src.video!.frameCount);
      expect(result.cuts.map((c) => [c.kind, c.frame, c.time])).toEqual([
        ['hard', CUT_FRAME - skip, (CUT_FRAME - skip) / 25],
      ]);
      // Two shards count the same frames as one pass.
      const shards = await Promise.all(
        [0, 1].map((i) => measureScenes(cut, { shardIndex: i, shardCount: 2 })),
      );
      expect(aggregateScenes(shards).cuts).toEqual(result.cuts);
      // What was not analysed is said, once, with where frame 0 lies in the file (a player's time).
      const into = (src.video!.startTimeSec - src.startTimeSec).toFixed(3);
      expect(result.warnings).toEqual([
        `input \`${cut}\` starts mid-GOP: its first ${src.video!.undecodableLead} video packets (before its first keyframe) cannot be decoded and are not analysed; frame 0 and time 0 are that keyframe, ${into} s into the file`,
      ]);
      expect(Number(into)).toBeGreaterThan(0.5);
      expect(aggregateScenes(shards).warnings).toEqual(result.warnings);
      expect((await analyzeScenes(whole, { parallel: 1 })).warnings).toBeUndefined();
      if (codec === 'h264') {
        const cli = await runCli(['analyze', 'scenes', cut, whole]);
        expect(cli.code).toBe(0);
        const warned = cli.stderr.split('\n').filter((l) => l.includes('mid-GOP'));
        expect(warned).toEqual([`framefleet: warning: ${result.warnings![0]}`]);
      }
    },
  );
});
