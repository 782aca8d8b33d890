import { spawn } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRecord } from '../../src/engine/types.js';
import { probe } from '../../src/media/probe.js';
import { psnrByIndex } from '../../src/media/quality.js';
import { CLI, runCli } from '../helpers/cli.js';
import { tempDir, sampleClip } from '../helpers/media.js';

async function readJob(dataDir: string): Promise<JobRecord | undefined> {
  const ids = await readdir(join(dataDir, 'jobs')).catch(() => []);
  if (ids.length !== 1) return undefined;
  try {
    return (
      JSON.parse(await readFile(join(dataDir, 'jobs', ids[0]!, 'manifest.json'), 'utf8')) as {
        job: JobRecord;
      }
    ).job;
  } catch {
    return undefined;
  }
}

describe('transcode survives SIGKILL', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let source: string;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    source = join(dir, 'source.mp4');
    await sampleClip({ path: source, width: 640, height: 360, fps: 30, scenes: [2, 2, 2, 2] });
  });
  afterAll(() => cleanup());

  it('resumes after kill -9, redoing only unfinished segments', async () => {
    const dataDir = join(dir, 'data');
    const output = join(dir, 'out.mp4');
    const args = [
      'transcode',
      source,
      '-o',
      output,
      '--segments',
      '8',
      '--workers',
      '1',
      '--preset',
      'quality',
      '--keep-intermediates',
      '--data-dir',
      dataDir,
    ];
    // Its own process group: SIGKILL takes ffmpeg down with it, as a container kill would.
    const child = spawn(process.execPath, [CLI, ...args], { detached: true, stdio: 'ignore' });
    let before: JobRecord | undefined;
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      before = await readJob(dataDir);
      const done =
        before?.tasks.filter((t) => t.kind === 'transcode.segment' && t.state === 'done').length ?? 0;
      if (done >= 2) break;
    }
    process.kill(-child.pid!, 'SIGKILL');
    await new Promise((r) => child.once('close', r));
    const finishedBefore = before!.tasks.filter((t) => t.kind === 'transcode.segment' && t.state === 'done');
    expect(finishedBefore.length).toBeGreaterThanOrEqual(2);
    expect(finishedBefore.length).toBeLessThan(8);
    await expect(stat(output)).rejects.toThrow();
    const keys = finishedBefore.map((t) => join(dataDir, (t.output as { key: string }).key));
    const mtimes = await Promise.all(keys.map(async (k) => (await stat(k)).mtimeMs));

    const again = await runCli([...args, '--json'], {}, 180_000);
    expect(again.code).toBe(0);
    const after = (await readJob(dataDir))!;
    const segments = after.tasks.filter((t) => t.kind === 'transcode.segment');
    const reused = segments.filter((t) => t.reused).map((t) => t.id);
    // Exactly the segments finished before the kill were reused; the rest were encoded again.
    expect(reused.sort()).toEqual(finishedBefore.map((t) => t.id).sort());
    expect(await Promise.all(keys.map(async (k) => (await stat(k)).mtimeMs))).toEqual(mtimes);
    process.stdout.write(`resume: ${reused.length} of 8 segments reused, ${8 - reused.length} re-encoded\n`);
    // The attempt folders the killed run left in scratch space went with the finished job.
    expect(await readdir(join(dataDir, 'tmp')).catch(() => [])).toEqual([]);

    const [src, out] = await Promise.all([probe(source), probe(output)]);
    expect(out.video!.frameCount).toBe(src.video!.frameCount);
    const audioFrame = src.audio!.frameSize / src.audio!.sampleRate;
    expect(Math.abs(out.audio!.durationSec - out.video!.durationSec)).toBeLessThanOrEqual(audioFrame);
    const psnr = await psnrByIndex(output, source);
    expect(psnr.min).toBeGreaterThanOrEqual(30);
  });
});
