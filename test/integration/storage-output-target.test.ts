import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { link, mkdir, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeAtomically } from '../../src/storage/atomic-output.js';
import { checkOutputTarget, publishOutput } from '../../src/storage/output-target.js';
import { tempDir } from '../helpers/media.js';

// The guard every writing job uses, on a real filesystem: checked before work and again at publish.
describe('output target', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let input: string;

  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
    input = join(dir, 'input.mp4');
    await writeFile(input, 'the source');
  });
  afterEach(() => cleanup());

  it.each([
    { name: 'the input itself', make: async (p: string) => p, code: 'OUTPUT_IS_INPUT' },
    {
      name: 'a hard link to the input',
      make: async (p: string) => (await link(p, `${p}.hard`), `${p}.hard`),
      code: 'OUTPUT_IS_INPUT',
    },
    {
      name: 'a symlink to the input',
      make: async (p: string) => (await symlink(p, `${p}.sym`), `${p}.sym`),
      code: 'OUTPUT_IS_INPUT',
    },
    {
      name: 'a path through a symlinked folder',
      make: async (p: string) => (await symlink(join(p, '..'), `${p}.dir`), join(`${p}.dir`, 'input.mp4')),
      code: 'OUTPUT_IS_INPUT',
    },
    {
      name: 'a missing folder',
      make: async (p: string) => join(p, '..', 'no', 'x.mp4'),
      code: 'OUTPUT_UNWRITABLE',
    },
  ])('refuses $name, even with overwrite', async ({ make, code }) => {
    const output = await make(input);
    await expect(checkOutputTarget(output, [input], { overwrite: true })).rejects.toMatchObject({ code });
  });

  it('refuses an existing file unless overwrite, naming how to ask', async () => {
    const output = join(dir, 'out.mp4');
    await writeFile(output, 'mine');
    await expect(checkOutputTarget(output, [input], { overwriteHint: 'give -y' })).rejects.toThrow(
      /already exists; give -y/,
    );
    await expect(checkOutputTarget(output, [input], { overwrite: true })).resolves.toBeUndefined();
  });

  it('never replaces a file that appeared after the check', async () => {
    const output = join(dir, 'out.mp4');
    await checkOutputTarget(output, [input]);
    const temp = join(dir, '.out.mp4.part');
    await writeFile(temp, 'made by the job');
    await writeFile(output, 'written meanwhile by someone else');
    await expect(publishOutput(temp, output, [input])).rejects.toMatchObject({ code: 'OUTPUT_EXISTS' });
    expect(await readFile(output, 'utf8')).toBe('written meanwhile by someone else');
  });

  it('refuses at once a FIFO that appeared at the output, without waiting on it', async () => {
    // Found by the server attack: comparing bytes opened the FIFO for reading, which waits for a
    // writer forever, so the job's publish (and a libuv thread) hung.
    const output = join(dir, 'out.mp4');
    const temp = join(dir, '.out.mp4.part');
    await writeFile(temp, 'made by the job');
    execFileSync('mkfifo', [output]);
    const outcome = await Promise.race([
      publishOutput(temp, output, [input]).then(
        () => 'published',
        (error: { code?: string }) => error.code,
      ),
      new Promise((done) => setTimeout(() => done('hung'), 3000)),
    ]);
    if (outcome === 'hung') closeSync(openSync(output, constants.O_WRONLY | constants.O_NONBLOCK));
    expect(outcome).toBe('OUTPUT_EXISTS');
  });

  it("counts an earlier attempt's identical file as published, and replaces with overwrite", async () => {
    const output = join(dir, 'out.mp4');
    await writeFile(output, 'made by the job');
    await writeFile(join(dir, 'a.part'), 'made by the job');
    await publishOutput(join(dir, 'a.part'), output, [input]);
    expect((await readdir(dir)).sort()).toEqual(['input.mp4', 'out.mp4']);

    await writeFile(join(dir, 'b.part'), 'made again');
    await publishOutput(join(dir, 'b.part'), output, [input], { overwrite: true });
    expect(await readFile(output, 'utf8')).toBe('made again');
  });

  it('refuses at publish an output that became the input meanwhile', async () => {
    const output = join(dir, 'out.mp4');
    await checkOutputTarget(output, [input], { overwrite: true });
    await link(input, output);
    await writeFile(join(dir, 'c.part'), 'made by the job');
    await expect(
      publishOutput(join(dir, 'c.part'), output, [input], { overwrite: true }),
    ).rejects.toMatchObject({
      code: 'OUTPUT_IS_INPUT',
    });
    expect(await readFile(input, 'utf8')).toBe('the source');
  });

  // `ro/` made a regular file: before the run it was called a folder that "does not exist"; during
  // the final write it surfaced as `ENOTDIR: not a directory, lstat '…/ro/.framefleet-….part' [INTERNAL]`.
  it('names an output folder that is a file, before the run and when it becomes one while writing', async () => {
    const ro = join(dir, 'ro');
    await writeFile(ro, 'a file where the folder should be');
    await expect(checkOutputTarget(join(ro, 'fail1.mp4'), [input])).rejects.toMatchObject({
      code: 'OUTPUT_UNWRITABLE',
      message: `cannot write output \`${ro}/fail1.mp4\`: \`${ro}\` is a file, not a directory`,
    });
    await expect(checkOutputTarget(join(ro, 'sub', 'x.mp4'), [input])).rejects.toMatchObject({
      code: 'OUTPUT_UNWRITABLE',
      message: `cannot write output \`${ro}/sub/x.mp4\`: \`${ro}/sub\` is not a directory: a part of its path is a file`,
    });

    await rm(ro);
    await mkdir(ro);
    const mid = writeAtomically(join(ro, 'fail1.mp4'), undefined, async (temp) => {
      await writeFile(temp, 'the stitched output');
      await rm(ro, { recursive: true });
      await writeFile(ro, 'replaced mid-run');
    });
    await expect(mid).rejects.toMatchObject({
      code: 'OUTPUT_UNWRITABLE',
      message: `cannot write output \`${ro}/fail1.mp4\`: \`${ro}\` is a file, not a directory`,
    });
  });

  it('leaves a writer that made no file its own error when the folder is fine', async () => {
    const failed = writeAtomically(join(dir, 'none.mp4'), undefined, async () => undefined);
    await expect(failed).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
