import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregateScenes, analyzeScenes, measureScenes } from '../../src/pipelines/analyze/measure-scenes.js';
import { ffmpeg, tempDir } from '../helpers/media.js';

// An MPEG-TS has no keyframe index: its demuxer's seek lands on any packet near the time and the
// decoder waits for the next keyframe. A shard that seeked to its first frame so began at a later
// keyframe (or at none: no frames at all) and counted those later pictures as its own: 3 shards of
// these 216 frames merged into 210 with a cut lost, or failed with "partials do not join".
// Three 3 s shots at 23.976 fps: cuts at frames 72 and 144.
const SOURCES = {
  // A 2 s GOP with B-frames, the stream starting far from zero.
  'gop-48-offset.ts': ['-g', '48', '-bf', '3', '-output_ts_offset', '50000'],
  // One keyframe only (no scene-cut keyframes): every shard decodes from the first frame.
  'one-keyframe.ts': ['-g', '1000', '-sc_threshold', '0', '-bf', '3'],
};

describe('scene shards of an MPEG-TS', () => {
  let dir: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-scenes-ts-'));
    const shots = ['testsrc2', 'smptebars', 'rgbtestsrc'];
    await Promise.all(
      Object.entries(SOURCES).map(([name, args]) =>
        ffmpeg([
          ...shots.flatMap((s) => ['-f', 'lavfi', '-i', `${s}=s=192x108:r=24000/1001:d=3`]),
          ...['-filter_complex', '[0][1][2]concat=n=3', '-c:v', 'libx264', '-preset', 'veryfast'],
          ...args,
          ...['-f', 'mpegts', join(dir, name)],
        ]),
      ),
    );
  }, 60_000);
  afterAll(() => cleanup());

  for (const name of Object.keys(SOURCES)) {
    it(`gives the one-pass result from 3 shards and from 3 decoders: ${name}`, async () => {
      const path = join(dir, name);
      const whole = await analyzeScenes(path, { parallel: 1 });
      expect(whole.source.frameCount).toBe(216);
      expect(whole.cuts.filter((c) => c.kind === 'hard').map((c) => c.frame)).toEqual([72, 144]);
      const partials = await Promise.all(
        [0, 1, 2].map((i) => measureScenes(path, { shardIndex: i, shardCount: 3 })),
      );
      expect(partials.map((p) => p.series.luma.length)).toEqual([72, 72, 72]);
      expect(aggregateScenes(partials)).toEqual(whole);
      expect(await analyzeScenes(path, { parallel: 3, minShardFrames: 64 })).toEqual(whole);
    }, 60_000);
  }
});
