import { mkdir, readdir, realpath, rename, symlink, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalBackend } from '../../src/engine/local/local-backend.js';
import type { ExecutorContext } from '../../src/engine/types.js';
import { silentLogger } from '../../src/logger.js';
import { publishLadder } from '../../src/pipelines/transcode/ladder-publish.js';
import type { PublishPayload } from '../../src/pipelines/transcode/ladder-payloads.js';
import { PipelineRegistry } from '../../src/engine/registry.js';
import { allPipelines } from '../../src/pipelines/job-types.js';
import { FileStorage } from '../../src/storage/file-storage.js';
import { fixedPolicy } from '../../src/storage/path-policy.js';
import { tempDir, sampleClip } from '../helpers/media.js';
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
    await sampleClip({ path: clip, width: 160, height: 90, fps: 25, scenes: [2] });
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

  // A rendition's names come from another task's output, which a fleet keeps in Redis: a file name
  // `../../x` was copied there, outside the publish step's scratch folder, before anything was checked.
  it.each([
    ['a file', 'r', '../../../escaped'],
    ['a rung', '../../r', 'index.m3u8'],
  ])('refuses %s named outside the rendition folder before copying anything', async (_what, rung, file) => {
    const scratch = join(dir, 'publish', 'scratch');
    await mkdir(scratch, { recursive: true });
    const storage = new FileStorage(join(dir, 'publish', 'data'));
    await writeFile(join(dir, 'seg'), 'not a segment');
    await storage.put('jobs/j/r/seg', join(dir, 'seg'));
    const ctx = {
      jobId: 'j',
      taskId: 'publish',
      attempt: 1,
      workerId: 'w',
      signal: new AbortController().signal,
      storage,
      scratchDir: scratch,
      scratchPrefix: 'scratch/j/',
      inputs: { r: { name: rung, files: [{ name: file, key: 'jobs/j/r/seg', size: 13 }], segments: 1 } },
      spec: {},
      progress: () => undefined,
      log: silentLogger,
      expand: () => undefined,
    } as ExecutorContext;
    const payload = {
      input: join(dir, 'in', 'clip.mp4'),
      output: join(dir, 'out', 'p.m3u8'),
      renditions: [{ task: 'r', rung: { name: 'r', width: 64, height: 64, bitrateKbps: 100 } }],
      audioTask: undefined,
      packages: ['hls'],
    } as unknown as PublishPayload;
    await expect(publishLadder(payload, ctx)).rejects.toThrow(
      expect.objectContaining({ code: 'INVALID_GRAPH' }),
    );
    expect(await readdir(join(dir, 'publish'))).toEqual(['data', 'scratch']);
    expect(await readdir(scratch, { recursive: true })).toEqual([]);
  });
});
