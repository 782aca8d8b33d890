import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { ffmpeg, ffprobeStreams, tempDir } from '../helpers/media.js';

// Found by a user's trial: a music track with `"fadeIn": 1e-7` passed the spec's check, then ffmpeg
// could not read `d=1e-7` as a duration and the mix failed on every attempt.
describe('render with fades too short to hear', () => {
  let dir = '';
  let cleanup = async () => {};

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-render-fades-'));
    await mkdir(join(dir, 'in'));
    await ffmpeg(['-f', 'lavfi', '-i', 'sine=d=2', join(dir, 'in', 'music.wav')]);
  }, 60_000);
  afterAll(() => cleanup());

  it('mixes a fade in and out of 1e-7 s and one of 1e-5 s', async () => {
    const spec = {
      width: 160,
      height: 90,
      scenes: [{ duration: 1 }],
      audio: {
        music: [
          { path: 'in/music.wav', fadeIn: 1e-7, fadeOut: 1e-7 },
          { path: 'in/music.wav', fadeIn: 1e-5, fadeOut: 2.5e-5, volume: 1e-7 },
        ],
      },
    };
    const file = join(dir, 'spec.json');
    await writeFile(file, JSON.stringify(spec));
    const output = join(dir, 'out.mp4');
    const run = await runCli(['render', file, '-o', output, '--data-dir', join(dir, 'data'), '--json']);
    expect(run.code, run.stderr).toBe(0);
    const audio = (await ffprobeStreams(output)).find((s) => s.codec_type === 'audio');
    expect(Number(audio?.duration)).toBeCloseTo(1, 1);
  }, 120_000);
});
