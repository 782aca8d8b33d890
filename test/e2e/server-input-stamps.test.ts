import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRecord } from '../../src/engine/types.js';
import { sampleClipArgs, type SampleClip } from '../../src/media/generate.js';
import { probe } from '../../src/media/probe.js';
import { ffmpeg } from '../helpers/media.js';
import { until } from '../helpers/processes.js';
import { startServer, type Harness } from './harness.js';
import { retry, segments, settled } from './retry-client.js';

async function submit(h: Harness, spec: Record<string, unknown>): Promise<JobRecord> {
  const response = await fetch(`${h.url}/v1/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'transcode', spec: { segments: 4, preset: 'quality', ...spec } }),
  });
  expect(response.status, await response.clone().text()).toBe(202);
  return (await response.json()) as JobRecord;
}

/**
 * retry-client's clipOf (480x270, 30 fps), made through the run's fixture cache: the same
 * arguments as other files' clips of these scenes, so one run makes each clip once.
 */
async function clipOf(file: string, scenes: number[]): Promise<SampleClip> {
  const { args, clip } = sampleClipArgs({ path: file, width: 480, height: 270, fps: 30, scenes });
  await ffmpeg(args);
  return clip;
}

const manifestText = (h: Harness, id: string) =>
  readFile(path.join(h.dataDir, 'jobs', id, 'manifest.json'), 'utf8');
const runsOf = (job: JobRecord) => job.tasks.map((t) => t.runs?.length ?? 0);

// A retried or restarted job runs on the input files it was planned on, or not at all: the stamps
// `jobs resume` checks are checked on the server's paths too, before anything is encoded again.
describe("the server checks a stored job's input before it runs it again", () => {
  let base: string;
  let original: SampleClip;
  let other: string;

  beforeAll(async () => {
    base = await mkdtemp(path.join(tmpdir(), 'ff-input-stamps-'));
    original = await clipOf(path.join(base, 'original.mp4'), [2, 2, 2, 2]);
    // Another, shorter clip to put in its place.
    other = (await clipOf(path.join(base, 'other.mp4'), [2, 2])).path;
  });
  afterAll(() => rm(base, { recursive: true, force: true }));

  it('a retry on a changed or missing input answers 409/400, changes nothing, and runs once it is back', async () => {
    const h = await startServer({ dir: path.join(base, 'retry'), workers: 1 });
    try {
      const input = path.join(h.inputDir, 'in.mp4');
      const outDir = path.join(h.outputDir, 'sub');
      await copyFile(original.path, input);
      await mkdir(outDir);
      const output = path.join(outDir, 'out.mp4');
      const { id } = await submit(h, { input, output });
      // A real failure late in the job: its output folder is gone by the time the stitch writes.
      await until('the job planned', async () =>
        (await h.runtime.backend.get(id))?.state === 'running' ? true : undefined,
      );
      await rm(outDir, { recursive: true });
      const failed = await h.runtime.backend.wait(id);
      expect(failed.state).toBe('failed');
      expect(failed.error?.code).toBe('OUTPUT_UNWRITABLE');
      expect(segments(failed).filter((t) => t.state === 'done').length).toBeGreaterThan(0);
      await mkdir(outDir);
      const before = await manifestText(h, id);

      await copyFile(other, input);
      const changed = await retry(h, id);
      expect(changed.status).toBe(409);
      expect(changed.body.error?.code).toBe('INPUT_CHANGED');
      expect(changed.body.error?.message).toMatch(
        new RegExp(`^input \`${input}\` changed since job ${id} was planned \\(was [^\\n]*$`),
      );
      // Nothing ran: the job (its record, its tasks' runs) is as it was, still failed, retryable.
      await new Promise((r) => setTimeout(r, 300));
      expect(await manifestText(h, id)).toBe(before);
      expect((await h.runtime.backend.get(id))?.state).toBe('failed');

      await rm(input);
      const missing = await retry(h, id);
      expect(missing.status).toBe(400);
      expect(missing.body.error?.code).toBe('INPUT_NOT_FOUND');
      expect(missing.body.error?.message).toBe(
        `input \`${input}\` is missing; job ${id} stays resumable once it is back`,
      );
      expect(await manifestText(h, id)).toBe(before);

      // The same file put back (a copy: a new mtime) is recognised, and the retry reuses its segments.
      await copyFile(original.path, input);
      expect((await retry(h, id)).status).toBe(202);
      const done = await settled(h, id);
      expect(done.error).toBeUndefined();
      expect(done.state).toBe('done');
      expect(segments(done).filter((t) => t.reused).length).toBeGreaterThan(0);
      expect((await probe(output)).video?.frameCount).toBe(original.frames);
    } finally {
      await h.close();
    }
  }, 180_000);

  it('a restart does not run an interrupted job whose input changed: it fails with INPUT_CHANGED', async () => {
    const dir = path.join(base, 'restart');
    const first = await startServer({ dir, workers: 1 });
    const input = path.join(first.inputDir, 'in.mp4');
    const output = path.join(first.outputDir, 'out.mp4');
    await copyFile(original.path, input);
    const { id } = await submit(first, { input, output });
    await until('a finished segment', async () => {
      const job = await first.runtime.backend.get(id);
      return job && segments(job).some((t) => t.state === 'done') ? true : undefined;
    });
    // Stopped mid-job: the job stays unfinished on disk, for the next start to resume.
    await first.close();
    const interrupted = (JSON.parse(await manifestText(first, id)) as { job: JobRecord }).job;
    expect(interrupted.state).toBe('running');

    await copyFile(other, input);
    const logLines: string[] = [];
    const second = await startServer({ dir, workers: 1, logLines });
    try {
      const job = (await second.runtime.backend.get(id))!;
      expect(job.state).toBe('failed');
      expect(job.error?.code).toBe('INPUT_CHANGED');
      expect(job.error?.message).toContain(`input \`${input}\` changed since job ${id} was planned`);
      // Not one task ran (or waits to run) on the other file.
      await new Promise((r) => setTimeout(r, 500));
      const after = (await second.runtime.backend.get(id))!;
      expect(runsOf(after)).toEqual(runsOf(interrupted));
      expect(after.tasks.filter((t) => t.state === 'running' || t.state === 'queued')).toEqual([]);
      const warned = logLines
        .map((l) => JSON.parse(l) as { level: number; jobId?: string; msg: string })
        .filter((l) => l.level === 40 && l.jobId === id);
      expect(warned.map((l) => l.msg)).toEqual([expect.stringContaining(`not resumed: input \`${input}\``)]);

      // The original back, a retry finishes it with what was verified before the stop.
      await copyFile(original.path, input);
      expect((await retry(second, id)).status).toBe(202);
      const done = await settled(second, id);
      expect(done.error).toBeUndefined();
      expect(done.state).toBe('done');
      expect(segments(done).filter((t) => t.reused).length).toBeGreaterThan(0);
      expect((await probe(output)).video?.frameCount).toBe(original.frames);
    } finally {
      await second.close();
    }
  }, 180_000);
});
