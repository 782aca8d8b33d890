import { mkdir, readdir, writeFile } from 'node:fs/promises';
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
    // A clip folder as montage lists it (the file is never read: the --edl is refused first).
    await mkdir(join(dir, 'clips'));
    await writeFile(join(dir, 'clips', 'c.mp4'), '');
  });
  afterAll(async () => cleanup());

  it.each(['out/', 'out', 'missing/'])('-o %s is refused as a directory, in one line', async (output) => {
    const run = await runCli(['transcode', join(dir, 'in.mp4'), '-o', join(dir, output)]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(
      `framefleet: error: --output \`${join(dir, output)}\` is a directory: name the file to write in it, such as \`${join(dir, output, 'output.mp4')}\` [INVALID_ARGUMENT]`,
    );
  });
  // Found by an attacker's trial: render and montage's --edl wrote `x.mp4/` as `x.mp4`.
  it.each([
    {
      args: ['render', 'spec.json', '-o', 'r.mp4/'],
      what: '--output',
      given: 'r.mp4/',
      example: 'output.mp4',
    },
    {
      args: ['render', 'spec-out.json'],
      what: "the spec's `output`",
      given: 'spec.mp4/',
      example: 'output.mp4',
    },
    {
      args: ['montage', '--clips', 'clips', '--music', 'm.wav', '-o', 'm.mp4', '--edl', 'e.edl/'],
      what: '--edl',
      given: 'e.edl/',
      example: 'edit.edl',
    },
  ])('$args.0 $what ending in a slash is refused as a directory, writing nothing', async (c) => {
    const scene = { width: 160, height: 120, scenes: [{ duration: 0.2 }] };
    await writeFile(join(dir, 'spec.json'), JSON.stringify(scene));
    await writeFile(join(dir, 'spec-out.json'), JSON.stringify({ ...scene, output: 'spec.mp4/' }));
    const before = await readdir(dir);
    const run = await runCli(c.args.map((a) => (a.includes('.') || a === 'clips' ? join(dir, a) : a)));
    expect(run.code, run.stderr).toBe(2);
    const path = join(dir, c.given);
    expect(run.stderr.trim()).toBe(
      `framefleet: error: ${c.what} \`${path}\` is a directory: name the file to write in it, such as \`${join(path, c.example)}\` [INVALID_ARGUMENT]`,
    );
    expect((await readdir(dir)).sort()).toEqual(before.sort());
  });
});
