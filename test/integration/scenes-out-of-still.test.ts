import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeScenes } from '../../src/pipelines/analyze/index.js';
import { ffmpeg, FAST_X264, tempDir } from '../helpers/media.js';

// A new user's trial: a hard cut from still colour bars into a fast zoom of a fractal was missed.
// The zoom changes the picture nearly as much from one frame to the next as the cut does (38.2
// the frame after against 49.6 at the cut), which the adaptive test's side ratio refused; the
// shot before is still (0). A still shot that starts moving is no cut.
describe('a cut out of a still picture into fast motion', () => {
  let dir = '';
  let cleanup = async () => {};
  beforeAll(async () => ({ dir, cleanup } = await tempDir('ff-scenes-still-')));
  afterAll(() => cleanup());

  it('is a hard cut', async () => {
    const path = join(dir, 'bars-then-zoom.mp4');
    await ffmpeg([
      ...[
        '-f',
        'lavfi',
        '-i',
        'smptebars=s=320x180:r=30:d=2',
        '-f',
        'lavfi',
        '-i',
        'mandelbrot=s=320x180:r=30:end_pts=3:maxiter=256',
      ],
      ...['-filter_complex', '[1:v]trim=duration=1,setpts=PTS-STARTPTS[z];[0:v][z]concat=n=2:v=1'],
      ...[...FAST_X264, path],
    ]);
    const result = await analyzeScenes(path, { parallel: 1 });
    expect(result.cuts.map((c) => [c.kind, c.frame])).toEqual([['hard', 60]]);
  }, 60_000);

  it('is not where a still picture starts to move', async () => {
    const path = join(dir, 'frozen-then-zoom.mp4');
    await ffmpeg([
      ...['-f', 'lavfi', '-i', 'mandelbrot=s=320x180:r=30:end_pts=3:maxiter=256', '-t', '1'],
      ...['-vf', 'tpad=start_duration=2:start_mode=clone', ...FAST_X264, path],
    ]);
    expect((await analyzeScenes(path, { parallel: 1 })).cuts).toEqual([]);
  }, 60_000);
});
