import { execFile } from 'node:child_process';
import { mkdir, rename, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkInputs, stampInputs } from '../../src/engine/input-stamps.js';
import { tempDir } from '../helpers/media.js';

const run = promisify(execFile);

// The stamps a job's inputs get when it is planned, and the check after each task. Both looked at
// the raw name, unconfined: a FIFO swapped in between the stat and the open hung the planner (all
// four libuv threads, then every submit), a file outside the roots was read for its sample, and
// INPUT_CHANGED told its size and time.
describe('input stamps hold a job to its roots and never block', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let inside: string;
  let outside: string;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-stamps-'));
    inside = join(dir, 'in');
    outside = join(dir, 'outside');
    await mkdir(inside);
    await mkdir(outside);
    await writeFile(join(inside, 'clip.mp4'), 'inside bytes');
    await writeFile(join(outside, 'secret'), 'twenty-one bytes here');
    await run('mkfifo', [join(outside, 'fifo')]);
  });
  afterAll(async () => cleanup());

  it('a FIFO, or a link to one, is not stamped and does not block', async () => {
    const link = join(inside, 'to-fifo.mp4');
    await symlink(join(outside, 'fifo'), link);
    const started = Date.now();
    expect(await stampInputs([join(outside, 'fifo'), link])).toEqual([]);
    expect(await stampInputs([link], [inside])).toEqual([]);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('with roots, a name that leads outside them is not looked at', async () => {
    const link = join(inside, 'to-secret.mp4');
    await symlink(join(outside, 'secret'), link);
    expect(await stampInputs([link], [inside])).toEqual([]);
    const [stamp] = await stampInputs([join(inside, 'clip.mp4')], [inside]);
    expect(stamp).toMatchObject({ path: join(inside, 'clip.mp4'), size: 12 });
    // Unconfined (a command on one's own machine), the link is followed as before.
    expect((await stampInputs([link]))[0]).toMatchObject({ size: 21 });
  });

  it('a link swapped in after planning is PATH_FORBIDDEN, saying nothing of its target', async () => {
    const clip = join(inside, 'swap.mp4');
    await writeFile(clip, 'the planned file');
    const stamps = await stampInputs([clip], [inside]);
    await symlink(join(outside, 'secret'), `${clip}.new`);
    await rename(`${clip}.new`, clip);
    const refused = await checkInputs(stamps, 'job-1', [inside]).catch((e: unknown) => e as Error);
    expect(refused).toMatchObject({ code: 'PATH_FORBIDDEN' });
    expect(refused?.message).not.toContain('21 bytes');
  });
});
