import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Edl } from '../../src/pipelines/montage/edl.js';
import { makeMontageMusic } from '../../bench/lib/montage-media.js';
import { runCli } from '../helpers/cli.js';
import { ffmpeg, greyFrames, mse, tempDir } from '../helpers/media.js';

// Found by a new-user trial: an MPEG-TS has no keyframe index, so an entry's accurate seek landed on
// any packet and decoding began at the next keyframe: a clip with one keyframe rendered no frames
// ("entries-0-5.mp4 has no video track"), and with keyframes every 3 s an entry showed later
// frames than the edit picked. Three moving 3 s shots, 30 fps, its stream starting at 50000 s.
describe('montage of an MPEG-TS clip', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let clip: string;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-montage-ts-'));
    clip = join(dir, 'far.ts');
    const shots = ['testsrc2', 'mandelbrot', 'testsrc'];
    await ffmpeg([
      ...shots.flatMap((s) => ['-f', 'lavfi', '-i', `${s}=s=320x180:r=30,trim=duration=3`]),
      ...['-filter_complex', '[0][1][2]concat=n=3,format=yuv420p', '-c:v', 'libx264', '-preset', 'veryfast'],
      ...['-g', '90', '-bf', '3', '-output_ts_offset', '50000', '-f', 'mpegts', clip],
    ]);
  }, 60_000);
  afterAll(() => cleanup());

  it("shows each entry's own frames", async () => {
    const music = (await makeMontageMusic(dir, 150, 10)).path;
    const output = join(dir, 'cut.mp4');
    const args = ['montage', '--clips', clip, '--music', music, '-o', output, '--duration', '8'];
    const run = await runCli(
      [...args, '--height', '180', '--preset', 'fast', '--data-dir', join(dir, 'data'), '--json'],
      {},
      180_000,
    );
    expect(run.code, run.stderr).toBe(0);
    const edl = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; editList: Edl })
      .find((l) => l.type === 'result')!.editList;
    expect(edl.entries.some((e) => e.sourceStart > 90)).toBe(true);
    // Same rate and size as the clip: an entry's middle frame is its source frame; its neighbours differ.
    for (const e of edl.entries) {
      const middle = Math.floor((e.recordEnd - e.recordStart) / 2);
      const [shown] = await greyFrames(output, e.recordStart + middle, 1);
      const around = await greyFrames(clip, e.sourceStart + middle - 2, 5);
      const errors = around.map((f) => mse(f, shown!));
      const best = errors.indexOf(Math.min(...errors));
      expect(best, `entry ${e.index} from frame ${e.sourceStart}: ${errors.join(' ')}`).toBe(2);
    }
  }, 240_000);
});
