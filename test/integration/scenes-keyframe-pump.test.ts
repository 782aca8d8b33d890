import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregateScenes, analyzeScenes, measureScenes } from '../../src/pipelines/analyze/index.js';
import { ffmpeg, tempDir } from '../helpers/media.js';

// A low-bitrate encode with a fixed GOP (a keyframe every 60 frames, no scene-cut keyframes, as
// HLS encodes are made) of a flat, grainy picture: at each keyframe the grain smoothed away through
// the GOP comes back at once, and on such low contrast that read as a hard cut every 2 s. Small:
// 320x180 at 30 fps, 16 s, 80 kb/s.
describe('scene cuts on a low-bitrate encode with a fixed GOP', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ dir, cleanup } = await tempDir('ff-scenes-pump-')));
  afterAll(async () => cleanup());

  // Colours given: gradients' default ones are random on every run, whatever the seed.
  const COLOURS: Record<number, string> = {
    1: '0x1f4e79:c1=0xf2a541',
    7: '0x7b2d8b:c1=0x9be3c4',
    3: '0x3050a0:c1=0xd08040',
  };
  const grainy = (seed: number) =>
    `gradients=s=320x180:r=30:speed=0.02:seed=${seed}:c0=${COLOURS[seed]},noise=alls=10:allf=t:all_seed=11`;
  const encode = [
    ...['-c:v', 'libx264', '-threads', '2', '-b:v', '80k', '-g', '60', '-sc_threshold', '0'],
    ...['-pix_fmt', 'yuv420p'],
  ];

  it('reads no cut at the GOP keyframes of one shot', async () => {
    const path = join(dir, 'one-shot.mp4');
    await ffmpeg(['-f', 'lavfi', '-i', grainy(1), '-frames:v', '480', ...encode, path]);
    const result = await analyzeScenes(path, { parallel: 1 });
    expect(result.cuts).toEqual([]);
    // The encoder's pumps are the same whatever the threshold: a user asking for more cuts
    // (`--threshold 3`) does not get them back (a new user's trial: a cut at every keyframe).
    expect((await analyzeScenes(path, { parallel: 1, scene: { threshold: 3 } })).cuts).toEqual([]);
  });

  it('keeps the cuts, one of them on a GOP keyframe, and drops the pumps between', async () => {
    // Shot 1 frames 0-149, shot 2 150-239 (its cut mid-GOP), shot 3 from 240 (its cut on the
    // keyframe at 240); keyframes every 60 frames.
    const path = join(dir, 'three-shots.mp4');
    await ffmpeg([
      ...['-f', 'lavfi', '-i', grainy(1), '-f', 'lavfi', '-i', grainy(7)],
      ...['-f', 'lavfi', '-i', grainy(3)],
      ...[
        '-filter_complex',
        '[0:v]trim=end_frame=150[a];[1:v]trim=end_frame=90,setpts=PTS-STARTPTS[b];' +
          '[2:v]trim=end_frame=240,setpts=PTS-STARTPTS[c];[a][b][c]concat=n=3:v=1:a=0',
      ],
      ...encode,
      path,
    ]);
    const result = await analyzeScenes(path, { parallel: 1 });
    expect(result.cuts.map((c) => [c.kind, c.frame])).toEqual([
      ['hard', 150],
      ['hard', 240],
    ]);
    // Shards carry their keyframes: the merged result is the one-pass result.
    const shards = await Promise.all(
      [0, 1, 2].map((i) => measureScenes(path, { shardIndex: i, shardCount: 3 })),
    );
    expect(shards.map((s) => s.keyframes)).toEqual([
      [0, 60, 120],
      [180, 240, 300],
      [360, 420],
    ]);
    expect(aggregateScenes(shards).cuts).toEqual(result.cuts);
    // Partials of a version that listed no keyframes still aggregate, without the cadence: pumps
    // read as cuts again, as they did before.
    const old = shards.map(({ keyframes: _, ...partial }) => partial);
    const before = aggregateScenes(old).cuts.map((c) => c.frame);
    expect(before).toEqual(expect.arrayContaining([150, 240]));
    expect(before.filter((f) => f % 60 === 0 && f !== 240).length).toBeGreaterThan(0);
    // Keyframes outside a shard's frames are refused, naming the shard.
    const bad = shards.map((s, i) => (i === 1 ? { ...s, keyframes: [60] } : s));
    expect(() => aggregateScenes(bad)).toThrow(
      `scenes partial of \`${path}\` shard \`1\` lists keyframes that are not frame numbers within its frames 160-319`,
    );
  });
});
