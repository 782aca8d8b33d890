import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFfmpeg } from '../../src/media/run.js';
import type { Edl } from '../../src/pipelines/montage/edl.js';
import { makeMontageMusic } from '../../bench/lib/montage-media.js';
import { runCli } from '../helpers/cli.js';
import { FAST_X264, ffmpeg, tempDir } from '../helpers/media.js';

/** Shots of the variable-rate clip: [source, fps, seconds]; each has its own mean colour. */
const SHOTS: [string, number, number][] = [
  ['testsrc2=s=320x180', 60, 2],
  ['smptebars=s=320x180', 10, 3],
  ['mandelbrot=s=320x180', 60, 2],
];

/** Mean RGB of one frame at `time` seconds. */
async function meanColour(path: string, time: number): Promise<number[]> {
  const { stdout } = await runFfmpeg(
    [
      '-ss',
      time.toFixed(3),
      '-i',
      path,
      '-frames:v',
      '1',
      '-vf',
      'scale=1:1:flags=area',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      'pipe:1',
    ],
    { timeoutMs: 30_000, label: 'mean colour' },
  );
  return [...stdout.subarray(0, 3)];
}

const distance = (a: number[], b: number[]) => Math.hypot(...a.map((v, i) => v - b[i]!));

// Found by a new-user trial: in a clip whose frame rate varies (a phone's dropped frames), shot
// frames were decoded frame numbers but the render seeks frame / fps, so entries showed another
// shot than the one the edit picked (60 fps then 10 fps: frame 150 is at 5 s, not 2.5 s).
describe('montage of a variable-frame-rate clip', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let clip: string;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-montage-vfr-'));
    clip = join(dir, 'vfr.mp4');
    await ffmpeg([
      ...SHOTS.flatMap(([src, fps, seconds]) => [
        '-f',
        'lavfi',
        '-i',
        `${src}:r=${fps},trim=duration=${seconds}`,
      ]),
      '-filter_complex',
      `${SHOTS.map((_, i) => `[${i}:v]settb=1/600[v${i}]`).join(';')};${SHOTS.map((_, i) => `[v${i}]`).join('')}concat=n=${SHOTS.length}[v]`,
      '-map',
      '[v]',
      '-fps_mode',
      'vfr',
      ...FAST_X264,
      '-pix_fmt',
      'yuv420p',
      clip,
    ]);
  }, 60_000);
  afterAll(() => cleanup());

  it('shows each entry from the shot the edit picked', async () => {
    const music = (await makeMontageMusic(dir, 150, 10)).path;
    const output = join(dir, 'cut.mp4');
    const run = await runCli(
      [
        'montage',
        '--clips',
        clip,
        '--music',
        music,
        '-o',
        output,
        '--duration',
        '8',
        '--height',
        '144',
      ].concat(['--preset', 'fast', '--workers', '1', '--data-dir', join(dir, 'data'), '--json']),
      {},
      180_000,
    );
    expect(run.code, run.stderr).toBe(0);
    const result = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; editList: Edl })
      .find((l) => l.type === 'result')!;
    // Each shot's own colour, from the middle of its true time span in the clip.
    let start = 0;
    const references: number[][] = [];
    for (const [, , seconds] of SHOTS) {
      references.push(await meanColour(clip, start + seconds / 2));
      start += seconds;
    }
    const shown = new Set<number>();
    for (const e of result.editList.entries) {
      const colour = await meanColour(output, (e.recordStart + e.recordEnd) / 2 / result.editList.fps);
      const nearest = references
        .map((r) => distance(r, colour))
        .reduce((best, d, i, all) => (d < all[best]! ? i : best), 0);
      expect(nearest, `entry ${e.index} (shot ${e.shot}) shows shot ${nearest}`).toBe(e.shot);
      shown.add(e.shot);
    }
    // The shots after the rate change are in the edit too.
    expect(shown.has(2)).toBe(true);
  }, 240_000);
});
