import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/media.js';

// A directory given as the output (`-o out/`) was told "expected `output` to end in .mp4, ...,
// got `/abs/out`", the slash the user typed gone (a new user's trial). It is now named as a
// directory, with a file in it to give instead; nothing is read or written.
describe('transcode -o DIRECTORY', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-out-dir-'));
    await mkdir(join(dir, 'out'));
  });
  afterAll(async () => cleanup());

  it.each(['out/', 'out', 'missing/'])('-o %s is refused as a directory, in one line', async (output) => {
    const run = await runCli(['transcode', join(dir, 'in.mp4'), '-o', join(dir, output)]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(
      `framefleet: error: --output \`${join(dir, output)}\` is a directory: name the file to write in it, such as \`${join(dir, output, 'output.mp4')}\` [INVALID_ARGUMENT]`,
    );
  });
});
