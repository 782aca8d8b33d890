import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeScenes } from '../../src/pipelines/analyze/index.js';
import { ffmpeg, tempDir } from '../helpers/media.js';

// A pan across large flat areas (colour bars) reads as a wipe over the dissolve window's 6
// frames: the picture moves by less than a block, so each block still shows one side's colour or
// the other's. A new user's trial: one continuous pan gave three "gradual" transitions, and a hard
// cut into such a pan came back as a gradual one, which `transcode --scene-cuts` does not split at.
// Small: 320x180 at 30 fps, a 640x360 bar chart panned under a moving crop, 6-10 s.
describe('scene cuts: a pan across flat colour is no wipe', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ dir, cleanup } = await tempDir('ff-scenes-pan-')));
  afterAll(async () => cleanup());

  const pan = (phase: number) =>
    `smptebars=s=640x360:r=30,crop=320:180:x='(iw-ow)/2*(1+sin(t*1.3+${phase}))':y='(ih-oh)/2*(1+cos(t*0.9+${phase}))'`;
  const encode = ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-pix_fmt', 'yuv420p'];

  it('one continuous pan is one shot', async () => {
    const path = join(dir, 'pan.mp4');
    await ffmpeg(['-f', 'lavfi', '-i', pan(3), '-t', '10', ...encode, path]);
    expect((await analyzeScenes(path, { parallel: 1 })).cuts).toEqual([]);
  });

  it('a hard cut into a pan stays a hard cut', async () => {
    const path = join(dir, 'cut-into-pan.mp4');
    await ffmpeg([
      ...['-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=30', '-f', 'lavfi', '-i', pan(9)],
      ...[
        '-filter_complex',
        '[0:v]trim=end_frame=90[a];[1:v]trim=end_frame=90,setpts=PTS-STARTPTS[b];[a][b]concat=n=2:v=1:a=0',
      ],
      ...encode,
      path,
    ]);
    const result = await analyzeScenes(path, { parallel: 1 });
    expect(result.cuts.map((c) => [c.kind, c.frame])).toEqual([['hard', 90]]);
  });
});
