import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { inputSwapper } from '../helpers/input-swap.js';
import { tempDir } from '../helpers/media.js';

// A new user's trial overwrote a transcode's input while it ran: a segment read part of each file,
// its retry the new one, and the stitched output (frame count right) was reported verified, exit 0.
describe('an input overwritten while its job runs', () => {
  let dir = '';
  let cleanup = async () => {};
  beforeAll(async () => ({ dir, cleanup } = await tempDir('ff-input-changed-')));
  afterAll(() => cleanup());

  it('fails the job (INPUT_CHANGED) and writes no output', async () => {
    const { input, wrapper } = await inputSwapper(dir);
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
