import { mkdir, readdir, readFile, realpath, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalBackend } from '../../src/engine/local/local-backend.js';
import { PipelineRegistry } from '../../src/engine/registry.js';
import { allPipelines } from '../../src/pipelines/job-types.js';
import { FileStorage } from '../../src/storage/file-storage.js';
import { fixedPolicy } from '../../src/storage/path-policy.js';
import { runCli } from '../helpers/cli.js';
import { sampleClip, tempDir } from '../helpers/media.js';
import { quietLog } from './redis-fixtures.js';

/** Storage that runs `onFetch` once, when the publish step first fetches a rendition's playlist. */
class HookOnPublish extends FileStorage {
  constructor(
    root: string,
    private onFetch: (() => Promise<void>) | undefined,
  ) {
    super(root);
  }
  override async fetch(key: string, localPath: string): Promise<string> {
    const hook = basename(key) === 'index.m3u8' ? this.onFetch : undefined;
    this.onFetch = undefined;
    await hook?.();
    return super.fetch(key, localPath);
  }
}

// A ladder replaced a foreign `<stem>-audio/index.m3u8` and deleted its `seg-00005.m4s` without
// -y: only rung folders were checked before any work, and the publish step replaced and removed
// layout names in whatever folder it found.
describe('ladder: rendition folders that are not its own are refused without -y', () => {
  let dir = '';
  let clip = '';
  let cleanup: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-ladder-foreign-'));
    dir = await realpath(dir);
    clip = join(dir, 'in', 'clip.mp4');
    await mkdir(join(dir, 'in'));
    await sampleClip({ path: clip, width: 160, height: 90, fps: 25, scenes: [2] });
  });
  afterAll(() => cleanup());

  it('exits 2 with OUTPUT_EXISTS naming the folder, touching nothing; -y replaces the layout files', async () => {
    const out = join(dir, 'out');
    const audio = join(out, 'show-audio');
    await mkdir(audio, { recursive: true });
    await writeFile(join(audio, 'index.m3u8'), 'foreign playlist');
    await writeFile(join(audio, 'seg-00005.m4s'), 'foreign segment');
    const args = ['transcode', clip, '-o', join(out, 'show.m3u8'), '--ladder', '64'];
    args.push('--segment-seconds', '1', '--data-dir', join(dir, 'data'));
    const refused = await runCli(args);
    expect(refused.code, refused.stderr).toBe(2);
    const lines = refused.stderr.split('\n').filter((l) => l.startsWith('framefleet: error'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('[OUTPUT_EXISTS]');
    expect(lines[0]).toContain(`\`${audio}\``);
    expect(lines[0]).toContain('-y');
    expect(await readdir(out)).toEqual(['show-audio']);
    expect(await readFile(join(audio, 'index.m3u8'), 'utf8')).toBe('foreign playlist');
    expect(await readFile(join(audio, 'seg-00005.m4s'), 'utf8')).toBe('foreign segment');

    const replaced = await runCli([...args, '-y']);
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(await readFile(join(audio, 'index.m3u8'), 'utf8')).toMatch(/^#EXTM3U/);
    expect((await readdir(audio)).sort()).toEqual([
      'index.m3u8',
      'init.mp4',
      'seg-00000.m4s',
      'seg-00001.m4s',
    ]);
  }, 120_000);

  it('takes empty rendition folders as they are', async () => {
    const out = join(dir, 'empty');
    await Promise.all(['e-64p', 'e-audio'].map((d) => mkdir(join(out, d), { recursive: true })));
    const r = await runCli(
      ['transcode', clip, '-o', join(out, 'e.m3u8'), '--ladder', '64'].concat([
        '--segment-seconds',
        '1',
        '--data-dir',
        join(dir, 'data-empty'),
      ]),
    );
    expect(r.code, r.stderr).toBe(0);
    expect((await readdir(join(out, 'e-64p'))).sort()).toContain('index.m3u8');
  }, 120_000);

  it('refuses at publish a file that appeared in a rendition folder after the plan, and leaves it', async () => {
    const out = join(dir, 'late');
    await mkdir(out);
    const storage = new HookOnPublish(join(dir, 'late-data'), async () => {
      await mkdir(join(out, 'l-64p'));
      await writeFile(join(out, 'l-64p', 'seg-00001.m4s'), 'theirs');
      await writeFile(join(out, 'l-64p', 'notes.txt'), 'mine');
    });
    const backend = await LocalBackend.open({
      dataDir: join(dir, 'late-data'),
      registry: new PipelineRegistry(allPipelines()),
      storage,
      capabilities: async () => ({ encoders: ['libx264'], hwaccels: [], devices: ['cpu'], slots: 2 }),
      slots: { cpu: 2 },
      log: quietLog,
      maxAttempts: 1,
      paths: fixedPolicy({ input: [join(dir, 'in')], output: [out] }),
    });
    try {
      const submitted = await backend.submit('transcode', {
        input: clip,
        output: join(out, 'l.m3u8'),
        ladder: [{ height: 64 }],
        segmentSeconds: 1,
        audio: 'none',
      });
      const job = await backend.wait(submitted.id);
      expect(job.state).toBe('failed');
      expect(job.error?.code).toBe('OUTPUT_EXISTS');
      expect(job.error?.message).toContain(join(out, 'l-64p'));
      expect(await readFile(join(out, 'l-64p', 'seg-00001.m4s'), 'utf8')).toBe('theirs');
      expect((await readdir(join(out, 'l-64p'))).sort()).toEqual(['notes.txt', 'seg-00001.m4s']);
      await expect(stat(join(out, 'l.m3u8'))).rejects.toThrow();
    } finally {
      await backend.close();
    }
  }, 120_000);
});
