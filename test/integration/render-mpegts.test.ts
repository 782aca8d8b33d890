import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { ffmpeg, greyFrames, mse, tempDir } from '../helpers/media.js';

// Found by a new-user trial: an MPEG-TS has no keyframe index, so a background video's accurate seek
// to its in-point landed on any packet and decoding began at the next keyframe: with one keyframe
// the scene was the background colour only, and with a keyframe every 2 s it showed later frames.
// Three moving 3 s shots at 24 fps; the scene starts 4 s in, inside the second.
const SOURCES = {
  'one-keyframe.ts': ['-g', '1000', '-sc_threshold', '0'],
  'gop-48-offset.ts': ['-g', '48', '-output_ts_offset', '50000'],
};

describe('render with an MPEG-TS background video', () => {
  let dir: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-render-ts-'));
    const shots = ['testsrc2', 'mandelbrot', 'testsrc'];
    await Promise.all(
      Object.entries(SOURCES).map(([name, args]) =>
        ffmpeg([
          ...shots.flatMap((s) => ['-f', 'lavfi', '-i', `${s}=s=192x108:r=24,trim=duration=3`]),
          ...[
            '-filter_complex',
            '[0][1][2]concat=n=3,format=yuv420p',
            '-c:v',
            'libx264',
            '-preset',
            'veryfast',
          ],
          ...['-bf', '3', ...args, '-f', 'mpegts', join(dir, name)],
        ]),
      ),
    );
  }, 60_000);
  afterAll(() => cleanup());

  for (const name of Object.keys(SOURCES)) {
    it(`shows the clip's frames from its in-point: ${name}`, async () => {
      const clip = join(dir, name);
      const spec = join(dir, `${name}.json`);
      const output = join(dir, `${name}.mp4`);
      await writeFile(
        spec,
        JSON.stringify({
          width: 192,
          height: 108,
          fps: 24,
          scenes: [{ duration: 2, background: { video: clip, in: 4 } }],
        }),
      );
      const run = await runCli(['render', spec, '-o', output, '--data-dir', join(dir, 'data')], {}, 120_000);
      expect(run.code, run.stderr).toBe(0);
      // Same rate and size: output frame k is source frame 96 + k; its neighbours differ.
      for (const k of [0, 11, 30, 47]) {
        const [shown] = await greyFrames(output, k, 1);
        const errors = (await greyFrames(clip, 96 + k - 2, 5)).map((f) => mse(f, shown!));
        expect(errors.indexOf(Math.min(...errors)), `frame ${k}: ${errors.join(' ')}`).toBe(2);
      }
    }, 180_000);
  }

  it('still renders a still image given as the background video', async () => {
    const image = join(dir, 'still.png');
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=192x108', '-frames:v', '1', image]);
    const spec = join(dir, 'still.json');
    const output = join(dir, 'still.mp4');
    const scenes = [{ duration: 1, background: { video: image } }];
    await writeFile(spec, JSON.stringify({ width: 192, height: 108, fps: 24, scenes }));
    const run = await runCli(['render', spec, '-o', output, '--data-dir', join(dir, 'data')], {}, 120_000);
    expect(run.code, run.stderr).toBe(0);
  }, 120_000);
});
