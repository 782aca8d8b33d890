import { access, chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { ffmpeg, FAST_X264, tempDir } from '../helpers/media.js';

// A new user's trial overwrote a transcode's input while it ran: a segment read part of each file,
// its retry the new one, and the stitched output (frame count right) was reported verified, exit 0.
describe('an input overwritten while its job runs', () => {
  let dir = '';
  let cleanup = async () => {};
  beforeAll(async () => ({ dir, cleanup } = await tempDir('ff-input-changed-')));
  afterAll(() => cleanup());

  it('fails the job (INPUT_CHANGED) and writes no output', async () => {
    const input = join(dir, 'in.mp4');
    const other = join(dir, 'other.mp4');
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=160x90:r=25:d=4', ...FAST_X264, '-g', '25', input]);
    await ffmpeg(['-i', input, '-vf', 'negate', ...FAST_X264, '-g', '25', other]);
    // An ffmpeg that, at the first segment encode, puts the other file in the input's place.
    const wrapper = join(dir, 'ffmpeg-swap');
    await writeFile(
      wrapper,
      [
        '#!/bin/sh',
        `case " $* " in *" -frames:v "*) [ -e "${dir}/swapped" ] || { touch "${dir}/swapped"; cp "${other}" "${input}"; } ;; esac`,
        'exec ffmpeg "$@"',
      ].join('\n'),
    );
    await chmod(wrapper, 0o755);
    const output = join(dir, 'out.mp4');
    const run = await runCli(
      ['transcode', input, '-o', output, '--segments', '2', '--data-dir', join(dir, 'data'), '-q'],
      { FFMPEG_PATH: wrapper },
    );
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(
      /input `.*in\.mp4` changed since job transcode-\w+ was planned .* \[INPUT_CHANGED\]\n$/,
    );
    await expect(access(output)).rejects.toThrow();
  }, 120_000);
});
