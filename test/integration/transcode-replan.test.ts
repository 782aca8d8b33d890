import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/engine/local/manifest.js';
import { runCli } from '../helpers/cli.js';
import { ffmpeg, tempDir } from '../helpers/media.js';

/**
 * A job that failed, run again in the same data dir by a newer framefleet, replayed the plan the
 * old one had stored: its arguments, and its mistakes, again. Here an "old" plan is a stored graph
 * edited as older code could have planned it: one segment at another quality, and a stitch that
 * expects a frame too many (so it fails its checks). A plan stored by the same code is replayed as
 * it is (the threads a run was given may differ, and its segments stay good).
 */
describe('transcode: a stored plan made by other code', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-replan-'));
    await ffmpeg([
      ...['-f', 'lavfi', '-i', 'testsrc2=size=160x90:rate=25', '-f', 'lavfi', '-i', 'sine'],
      ...['-t', '4', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25', '-c:a', 'aac', '-shortest'],
      join(dir, 'clip.mp4'),
    ]);
  });
  afterAll(() => cleanup());

  it('is planned again, with a warning, reusing the segments planned the same', async () => {
    const data = join(dir, 'data');
    const output = join(dir, 'out.mp4');
    const args = ['transcode', join(dir, 'clip.mp4'), '-o', output, '--segments', '2', '--data-dir', data];
    const first = await runCli([...args, '--keep-intermediates', '-q']);
    expect(first.code, first.stderr).toBe(0);
    await rm(output);
    const [id] = await readdir(join(data, 'jobs'));
    const path = join(data, 'jobs', id!, 'manifest.json');
    const manifest = JSON.parse(await readFile(path, 'utf8')) as Manifest;
    manifest.job.state = 'failed';
    // Planned by other code: a newer planner finds another name here (none before it was kept).
    expect(manifest.plannedBy).toMatch(/^framefleet /);
    manifest.plannedBy = 'framefleet chunk-OLDCODE.js';
    for (const task of manifest.graph!.tasks) {
      const payload = task.payload as { settings?: { quality: number }; frames?: number };
      if (task.id === 'segment-001') payload.settings!.quality = 40;
      if (task.id === 'stitch') payload.frames! += 1;
    }
    await writeFile(path, JSON.stringify(manifest));

    const again = await runCli(args);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(
      `framefleet: warning: job ${id} was planned by another version or with other settings: planned again, reusing what matches`,
    );
    const stored = JSON.parse(await readFile(path, 'utf8')) as Manifest;
    // The source's seam pictures are planned the same too (the seams did not move).
    expect(stored.job.tasks.filter((t) => t.reused).map((t) => t.id)).toEqual([
      'segment-000',
      'audio',
      'seam-pictures',
    ]);
    const segment = stored.graph!.tasks.find((t) => t.id === 'segment-001')!;
    expect((segment.payload as { settings: { quality: number } }).settings.quality).toBe(70);
  });
});
