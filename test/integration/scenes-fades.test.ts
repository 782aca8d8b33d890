import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFfmpeg } from '../../src/media/run.js';
import { analyzeScenes } from '../../src/pipelines/analyze/index.js';
import { makeWorkDir } from './analysis-media.js';

let work: Awaited<ReturnType<typeof makeWorkDir>>;
beforeAll(async () => {
  work = await makeWorkDir();
});
afterAll(() => work.cleanup());

/** Two shots of `seconds` (testsrc2, then mandelbrot; 320x180, `rate` fps) joined by `join` (a filter graph). */
async function twoShots(name: string, join_: string, seconds = 2, rate = 30): Promise<string> {
  const out = join(work.dir, `${name}.mp4`);
  await runFfmpeg(
    [
      ...['-f', 'lavfi', '-i', `testsrc2=s=320x180:r=${rate}:d=${seconds}`],
      ...['-f', 'lavfi', '-i', `mandelbrot=s=320x180:r=${rate}`],
      '-filter_complex',
      `[0]format=yuv420p[a];[1]trim=duration=${seconds},setpts=PTS-STARTPTS,format=yuv420p[b];${join_}[o]`,
      ...['-map', '[o]', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-g', '30', out],
    ],
    { label: `test clip ${name}` },
  );
  return out;
}

// Found by a new user's trial: a short fade through black was two cuts, a hard one where the
// picture dropped and a gradual one for the fade from black (an 8-frame shot invented between);
// a fade out straight into a fade in was two gradual ones.
describe('a fade through black is one transition', () => {
  it.each([
    [
      'an xfade through black of 0.5 s',
      'fadeblack',
      '[a][b]xfade=transition=fadeblack:duration=0.5:offset=1.5',
    ],
    [
      'a fade out of 0.5 s into a fade in of 0.5 s',
      'outin',
      '[a]fade=t=out:st=1.5:d=0.5[a2];[b]fade=t=in:st=0:d=0.5[b2];[a2][b2]concat=n=2:v=1:a=0',
    ],
  ])(
    '%s',
    async (_name, file, graph) => {
      const result = await analyzeScenes(await twoShots(file, graph), { parallel: 1 });
      expect(result.cuts.map((c) => c.kind)).toEqual(['gradual']);
      const [cut] = result.cuts;
      expect(cut!.frame).toBeGreaterThanOrEqual(45);
      expect(cut!.frame).toBeLessThanOrEqual(62);
      expect(result.shots).toHaveLength(2);
    },
    60_000,
  );
});

// Found by the same trial: one shot faded in from its first frame and out to its last was three
// shots, each fade a "transition" with nothing on its other side.
it('a shot that fades in from the start and out to the end is one shot', async () => {
  const out = join(work.dir, 'fade-in-out.mp4');
  await runFfmpeg(
    [
      ...['-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=30:d=4'],
      ...['-vf', 'fade=t=in:st=0:d=1,fade=t=out:st=3:d=1,format=yuv420p'],
      ...['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', out],
    ],
    { label: 'test clip fade-in-out' },
  );
  const result = await analyzeScenes(out, { parallel: 1 });
  expect(result.cuts).toEqual([]);
  expect(result.shots).toHaveLength(1);
}, 60_000);

// Found by a new user's trial: a dissolve or a wipe of 1.5 s or longer was no cut at all (frames 6
// apart changed too little in it); 0.5-1.2 s ones were found.
describe('dissolves and wipes of 1.5-2 s are gradual transitions', () => {
  it.each([
    ['a 1.5 s dissolve', 'fade', 1.5, 30],
    ['a 2 s dissolve', 'fade', 2, 30],
    ['a 2 s wipe', 'wipeleft', 2, 30],
    ['a 2 s dissolve at 24 fps', 'fade', 2, 24],
  ])(
    '%s, in one pass and in 3 shards alike',
    async (_name, transition, seconds, rate) => {
      const offset = 4 - seconds;
      const path = await twoShots(
        `long-${transition}-${seconds}-${rate}`,
        `[a][b]xfade=transition=${transition}:duration=${seconds}:offset=${offset}`,
        4,
        rate,
      );
      const result = await analyzeScenes(path, { parallel: 1 });
      expect(result.cuts.map((c) => c.kind)).toEqual(['gradual']);
      const [cut] = result.cuts;
      // Inside the transition.
      expect(cut!.frame).toBeGreaterThan(rate * offset);
      expect(cut!.frame).toBeLessThan(rate * (offset + seconds));
      expect(result.shots).toHaveLength(2);
      const sharded = await analyzeScenes(path, { parallel: 3, minShardFrames: 60 });
      expect(sharded.cuts).toEqual(result.cuts);
    },
    60_000,
  );
});

// Found by the same trial, with a 36-frame long window at 60 fps: a smooth gradient turning slowly
// through one shot read as two or three shots (a slow, even change of a smooth picture is a blend).
it('a smooth gradient turning slowly through one 60 fps shot is one shot', async () => {
  const out = join(work.dir, 'gradient-60.mp4');
  await runFfmpeg(
    [
      // Colours given: gradients' default ones are random on every run, whatever the seed.
      ...['-f', 'lavfi', '-i', 'gradients=s=320x180:r=60:d=10:speed=0.01:seed=1:c0=0x1f4e79:c1=0xf2a541'],
      ...['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', out],
    ],
    { label: 'test clip gradient-60' },
  );
  const result = await analyzeScenes(out, { parallel: 1 });
  expect(result.cuts).toEqual([]);
}, 60_000);
