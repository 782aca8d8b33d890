import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFfmpeg } from '../../src/media/run.js';
import { tempDir } from '../helpers/media.js';

// A new user's fleet trial had libsvtav1 hang (every thread waiting on a lock): nothing stopped it
// before the 30-minute timeout, and its task kept its lease all that while.
describe('an ffmpeg run that stops reporting progress', () => {
  let dir = '';
  let cleanup = async () => {};
  beforeAll(async () => ({ dir, cleanup } = await tempDir('ff-stall-')));
  afterAll(() => cleanup());

  it('is stopped once it has said nothing for the stall limit, naming the last frame', async () => {
    // Reports frame 7 once, then hangs.
    const hung = join(dir, 'ffmpeg-hung');
    await writeFile(
      hung,
      '#!/bin/sh\nprintf "frame=7\\nfps=0.0\\nout_time_us=280000\\nspeed=0.1x\\nprogress=continue\\n" >&3\nexec sleep 60\n',
    );
    await chmod(hung, 0o755);
    const frames: number[] = [];
    const started = Date.now();
    const run = runFfmpeg(['-i', 'in.mp4', 'out.mp4'], {
      env: { ...process.env, FFMPEG_PATH: hung },
      onProgress: (p) => frames.push(p.frame),
      stallMs: 1000,
      label: 'encode segment 2 of job x',
    });
    await expect(run).rejects.toMatchObject({
      code: 'FFMPEG_STALLED',
      message: 'encode segment 2 of job x made no progress for 1 s (after frame 7): stopped',
    });
    expect(frames).toEqual([7]);
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 30_000);

  it('leaves a run that keeps reporting alone, however long it takes', async () => {
    // About 4 s of real time (-re), a report every half second, under a 2.5 s stall limit: the run
    // outlasts the limit, so only the reports keep it going.
    const frames: number[] = [];
    await runFfmpeg(['-re', '-f', 'lavfi', '-i', 'testsrc2=s=64x36:r=10:d=4', '-f', 'null', '-'], {
      onProgress: (p) => frames.push(p.frame),
      stallMs: 2500,
      writesNoFile: true,
    });
    expect(frames.length).toBeGreaterThanOrEqual(5);
    expect(frames.at(-1)).toBe(40);
  }, 30_000);
});
