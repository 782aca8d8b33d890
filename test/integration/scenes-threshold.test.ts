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
});
