import { readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeMontageClips, makeMontageMusic } from '../../bench/lib/montage-media.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/media.js';

/** A 2x2x2 identity LUT. */
const IDENTITY_LUT = 'LUT_3D_SIZE 2\n0 0 0\n1 0 0\n0 1 0\n1 1 0\n0 0 1\n1 0 1\n0 1 1\n1 1 1\n';
/** A file name whose second line is a CMX3600 event. */
const FORGED = 'x\n999  EVIL     V     C        00:00:00:00 00:00:01:00 00:00:00:00 00:00:01:00.mp4';

// Found by a user's trial: a data dir (or HOME) with a space failed the graded and stabilised renders
// ("unsafe path for a filter graph", INTERNAL, five attempts), one with a `%` failed every render at
// its thumbnails (an image2 pattern); and a clip named with a newline forged an event in the EDL.
describe('montage with a data dir of a space and a % and a clip named with a newline', () => {
  let dir = '';
  let cleanup = async () => {};
  let clips: string[] = [];
  let music = '';

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-montage-paths-'));
    const made = await makeMontageClips(dir, { usable: 2, seconds: 3, size: '160x90', fps: 25 });
    clips = made.filter((c) => c.kind === 'motion').map((c) => c.path);
    const forged = join(dir, FORGED);
    await rename(clips[1]!, forged);
    clips[1] = forged;
    music = (await makeMontageMusic(dir, 120, 4)).path;
    await writeFile(join(dir, 'id.cube'), IDENTITY_LUT);
  }, 120_000);
  afterAll(() => cleanup());

  it('grades, stabilises and draws thumbnails there, and writes the clip name on one comment line', async () => {
    const dataDir = join(dir, 'data %d dir');
    const edl = join(dir, 'cut.edl');
    const run = await runCli(
      [
        ...['montage', '--clips', ...clips, '--music', music, '-o', join(dir, 'out.mp4'), '--height', '144'],
        ...['--lut', join(dir, 'id.cube'), '--stabilize', '--edl', edl, '--data-dir', dataDir, '--json'],
      ],
      {},
      180_000,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toContain('INTERNAL');
    const storyboard = (await readdir(dir)).filter((n) => n.endsWith('.jpg'));
    expect(storyboard).toHaveLength(1);
    const text = await readFile(edl, 'utf8');
    expect(text).not.toMatch(/^999 /m);
    const events = text.match(/^\d{3} {2}AX /gm) ?? [];
    const comments = text.match(/^\* FROM CLIP NAME: .*$/gm) ?? [];
    expect(comments).toHaveLength(events.length);
    expect(text).toContain('* FROM CLIP NAME: x_999  EVIL');
  }, 200_000);
});
