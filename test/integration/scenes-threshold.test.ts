import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeScenes } from '../../src/pipelines/analyze/index.js';
import { runCli } from '../helpers/cli.js';
import { FAST_X264, ffmpeg, tempDir } from '../helpers/media.js';

// `--threshold` was a cap on the bar of full-contrast pictures only: on low-contrast ones the bar
// came from their contrast, so 32 or even 255 kept a cut between two dark grey shots (a new
// user's trial: every value from 1 to 255 gave the same cuts). Now every bar moves with it.
// Small: 320x180, 6 s at 30 fps; a bright shot, then two dark grey low-contrast ones.
describe('scene cuts: --threshold moves every bar of the hard-cut test', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let path: string;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-scenes-threshold-'));
    path = join(dir, 'bright-dark-dark.mp4');
    const dark = 'hue=s=0,eq=contrast=0.1:brightness=-0.3';
    await ffmpeg([
      ...['-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=30:d=2'],
      ...['-f', 'lavfi', '-i', `testsrc2=s=320x180:r=30:d=2,${dark}`],
      ...['-f', 'lavfi', '-i', `smptebars=s=320x180:r=30:d=2,${dark}`],
      ...['-filter_complex', '[0:v][1:v][2:v]concat=n=3:v=1:a=0,format=yuv420p'],
      ...FAST_X264,
      path,
    ]);
  });
  afterAll(async () => cleanup());

  const cutsAt = async (threshold?: number) =>
    (await analyzeScenes(path, { parallel: 1, scene: threshold ? { threshold } : {} })).cuts.map(
      (c) => c.frame,
    );

  it('finds fewer cuts as it rises, none at the top', async () => {
    expect(await cutsAt()).toEqual([60, 120]);
    expect(await cutsAt(4)).toEqual([60, 120]);
    // The dark cut changes the block means by about 2.4 of 255: four times the default bar on a
    // picture of its contrast is more than that; the bright cut (about 65) stays.
    expect(await cutsAt(32)).toEqual([60]);
    expect(await cutsAt(255)).toEqual([]);
  });

  it('is the CLI flag’s value', async () => {
    const run = await runCli(['analyze', 'scenes', path, '--threshold', '32', '--json']);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { cuts: { frame: number }[]; options: { threshold: number } };
    expect(result.cuts.map((c) => c.frame)).toEqual([60]);
    expect(result.options.threshold).toBe(32);
  });

  it('reads no dissolve across the cuts a higher threshold leaves unreported', async () => {
    // A second trial: at 48 the cuts either side of a zooming Mandelbrot shot went unreported, and
    // the zoom between them (a zoom reads as a blend) came back as a dissolve.
    const shots = join(dir, 'grey-shots.mp4');
    await ffmpeg([
      '-filter_complex',
      'testsrc2=s=320x180:r=30,format=yuv420p,trim=end_frame=96,setpts=PTS-STARTPTS[a];' +
        'mandelbrot=s=320x180:r=30,format=yuv420p,trim=end_frame=70,setpts=PTS-STARTPTS[b];' +
        'life=s=320x180:r=30:mold=10:ratio=0.5:seed=5,format=yuv420p,trim=end_frame=60,setpts=PTS-STARTPTS[c];' +
        '[a][b][c]concat=n=3:v=1:a=0,eq=contrast=0.3,noise=alls=8:allf=t:all_seed=3,format=yuv420p[out]',
      ...['-map', '[out]', '-c:v', 'libx264', '-crf', '12', '-preset', 'veryfast', shots],
    ]);
    const at = async (threshold: number) =>
      (await analyzeScenes(shots, { parallel: 1, scene: { threshold } })).cuts.map((c) => [c.kind, c.frame]);
    expect(await at(8)).toEqual([
      ['hard', 96],
      ['hard', 166],
    ]);
    const fewer = await at(48);
    expect(fewer.filter(([kind]) => kind === 'gradual')).toEqual([]);
    expect(fewer.length).toBeLessThan(2);
  });
});
