import { mkdir, readdir, realpath, rename, symlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalBackend } from '../../src/engine/local/local-backend.js';
import { PipelineRegistry } from '../../src/engine/registry.js';
import { generateSampleClip } from '../../src/media/generate.js';
import { allPipelines } from '../../src/pipelines/job-types.js';
import { FileStorage } from '../../src/storage/file-storage.js';
import { fixedPolicy } from '../../src/storage/path-policy.js';
import { tempDir } from '../helpers/media.js';
import { quietLog } from './redis-fixtures.js';

/** Storage that runs `onFetch` once, the first time a rendition's playlist is fetched (by the publish step). */
class SwapOnPublish extends FileStorage {
  constructor(
    root: string,
    private onFetch: (() => Promise<void>) | undefined,
  ) {
    super(root);
  }
  override async fetch(key: string, localPath: string): Promise<string> {
    const swap = basename(key) === 'index.m3u8' ? this.onFetch : undefined;
    this.onFetch = undefined;
    await swap?.();
    return super.fetch(key, localPath);
  }
}

// The publish step made each rendition folder with a plain mkdir -p next to the manifest, before
// the writes that check the roots: an output folder swapped for a link after the plan got
// `<stem>-<rung>` folders made outside the output roots.
describe('ladder publish: rendition folders are made inside the output roots that hold then', () => {
  let dir = '';
  let cleanup: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-ladder-confine-'));
    dir = await realpath(dir);
  });
  afterAll(() => cleanup());

  it('fails the job with PATH_FORBIDDEN and makes nothing outside when the folder becomes a link', async () => {
    const [input, output, outside] = [join(dir, 'in'), join(dir, 'out'), join(dir, 'outside')];
    const folder = join(output, 'hls');
    await Promise.all([input, folder, outside].map((d) => mkdir(d, { recursive: true })));
    const clip = join(input, 'clip.mp4');
    await generateSampleClip({ path: clip, width: 160, height: 90, fps: 25, scenes: [2] });
    const storage = new SwapOnPublish(join(dir, 'data'), async () => {
      await rename(folder, `${folder}.moved`);
      await symlink(outside, folder);
    });
    const backend = await LocalBackend.open({
      dataDir: join(dir, 'data'),
      registry: new PipelineRegistry(allPipelines()),
      storage,
      capabilities: async () => ({ encoders: ['libx264'], hwaccels: [], devices: ['cpu'], slots: 2 }),
      slots: { cpu: 2 },
      log: quietLog,
      maxAttempts: 1,
      paths: fixedPolicy({ input: [input], output: [output] }),
    });
    try {
      const submitted = await backend.submit('transcode', {
        input: clip,
        output: join(folder, 'a.m3u8'),
        ladder: [{ height: 64 }],
        audio: 'none',
      });
      const job = await backend.wait(submitted.id);
      expect(job.state).toBe('failed');
      expect(job.error?.code).toBe('PATH_FORBIDDEN');
      expect(await readdir(outside)).toEqual([]);
    } finally {
      await backend.close();
    }
  }, 120_000);
});
