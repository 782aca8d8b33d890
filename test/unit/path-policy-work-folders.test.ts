import { mkdir, mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileStorage } from '../../src/storage/file-storage.js';
import { insideRoots, serverRoots } from '../../src/storage/path-policy.js';
import { inputCacheDir, WORKER_SCRATCH_ROOT } from '../../src/storage/work-folders.js';

// The server's roots exclude what framefleet writes itself (the storage's scratch/, tmp/, cache/
// and jobs/ folders, the data dir, fleet worker scratch, the input cache), not the whole storage
// folder: an inbox or outbox beside them is a root, a root inside them is refused at start.
describe('serverRoots: framefleet-written folders are excluded, folders beside them are not', () => {
  let base = '';
  let storage: FileStorage;
  const at = (...parts: string[]) => path.join(base, 'data', ...parts);

  beforeAll(async () => {
    base = await realpath(await mkdtemp(path.join(tmpdir(), 'ff-work-folders-')));
    await Promise.all(
      ['inbox', 'outbox', 'state', 'scratch/j1'].map((d) => mkdir(at(d), { recursive: true })),
    );
    storage = new FileStorage(at());
  });
  afterAll(() => rm(base, { recursive: true, force: true }));

  it('allows roots beside the work folders in the storage folder (the shipped layout)', async () => {
    const roots = await serverRoots(storage, [at('inbox'), at('uploads')], [at('outbox')], [at('state')]);
    expect(insideRoots(at('inbox', 'a.mp4'), roots.input)).toBe(true);
    expect(insideRoots(at('uploads', 'u', 'a.mp4'), roots.input)).toBe(true);
    expect(insideRoots(at('outbox', 'o.mp4'), roots.output)).toBe(true);
    // Uploads are inputs, never outputs.
    expect(insideRoots(at('uploads', 'u', 'a.mp4'), roots.output)).toBe(false);
  });

  it.each(['scratch', 'tmp', 'cache', 'jobs', 'state'])(
    'refuses every job file in %s/, whose folder a root holds, and warns at start',
    async (folder) => {
      const warned: string[] = [];
      const roots = await serverRoots(storage, [at()], [at()], [at('state')], (m) => warned.push(m));
      const file = at(folder, 'j1', 'seg.mp4');
      expect(insideRoots(file, roots.input)).toBe(false);
      expect(insideRoots(file, roots.output)).toBe(false);
      expect(insideRoots(at('inbox', 'a.mp4'), roots.input)).toBe(true);
      expect(warned.join('\n')).toContain(`${at(folder)}\` lies in the input root`);
    },
  );

  it('refuses to start with a root inside the intermediates folder', async () => {
    await expect(serverRoots(storage, [at('inbox')], [at('scratch', 'j1')], [at('state')])).rejects.toThrow(
      /output root `.*scratch\/j1` lies in framefleet's own folder `.*data\/scratch`/,
    );
  });

  it("excludes the fleet workers' scratch and the input cache, other jobs' files, under a root holding them", async () => {
    const tmp = await realpath(tmpdir());
    const roots = await serverRoots(storage, [tmp], [tmp], [at('state')]);
    for (const dir of [WORKER_SCRATCH_ROOT, inputCacheDir()]) {
      const file = path.join(await realpath(path.dirname(dir)), path.basename(dir), 'w1', 'seg.mp4');
      expect(insideRoots(file, roots.input), file).toBe(false);
      expect(insideRoots(file, roots.output), file).toBe(false);
    }
    expect(insideRoots(path.join(tmp, 'ff-other', 'clip.mp4'), roots.input)).toBe(true);
  });
});
