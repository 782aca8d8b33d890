import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { ffmpeg, tempDir } from '../helpers/media.js';

/** The last NDJSON line of a run's stdout. */
const lastLine = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;

// A new user's trial: with --json, a command refused before its job (a bad spec, a missing input)
// printed nothing on stdout, and a failed job ended without a result line: a reader of stdout alone
// could not tell why.
describe('--json on a failure', () => {
  let dir = '';
  let cleanup = async () => {};
  beforeAll(async () => ({ dir, cleanup } = await tempDir('ff-json-errors-')));
  afterAll(() => cleanup());

  it('ends stdout with the error before any job', async () => {
    const spec = join(dir, 'spec.json');
    await writeFile(spec, JSON.stringify({ width: 320, height: 240, fps: 10, scenes: [{ duration: 0.04 }] }));
    const bad = await runCli(['render', spec, '-o', join(dir, 'out.mp4'), '--json']);
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout)).toEqual({
      type: 'error',
      code: 'INVALID_SPEC',
      message:
        'invalid render spec at scenes.0.duration: scene of 0.04 s is shorter than one frame at 10 fps (0.1 s): make it longer or the frame rate higher',
      exitCode: 2,
    });
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    const missing = await runCli(['transcode', join(dir, 'nope.mp4'), '-o', join(dir, 'o.mp4'), '--json']);
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.stdout)).toMatchObject({ type: 'error', code: 'INPUT_NOT_FOUND', exitCode: 2 });
    // Without --json, stdout stays empty.
    expect((await runCli(['render', spec, '-o', join(dir, 'out.mp4')])).stdout).toBe('');
  });

  it("ends a failed job's events with its error", async () => {
    const clip = join(dir, 'clip.mp4');
    const tone = join(dir, 'tone.m4a');
    await ffmpeg([
      '-f',
      'lavfi',
      '-i',
      'testsrc2=s=160x120:r=25:d=3',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      clip,
    ]);
    await ffmpeg(['-f', 'lavfi', '-i', 'sine=f=220:d=6', '-c:a', 'aac', tone]);
    const run = await runCli([
      ...['montage', '--clips', clip, '--music', tone, '-o', join(dir, 'm.mp4'), '--height', '144'],
      ...['--data-dir', join(dir, 'data'), '--json'],
    ]);
    expect(run.code).toBe(2);
    expect(run.stdout.trim().split('\n').length).toBeGreaterThan(1);
    expect(lastLine(run.stdout)).toMatchObject({ type: 'error', code: 'NO_BEATS', exitCode: 2 });
  }, 120_000);
});
